import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultatie.models import Consultatie, Status, SubjectKind
from dossier.core.models import Thema
from samenwerking.schoolyear import filter_school_years


class ConsultatieFilter(django_filters.FilterSet):
    label = django_filters.CharFilter(label=_("Label"), lookup_expr="icontains", max_length=60)
    thema = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themas",
        queryset=Thema.objects.all(),
        empty_label=_("All themes"),
    )
    subject_kind = django_filters.ChoiceFilter(
        label=_("About"), choices=SubjectKind.choices, empty_label=_("Everything")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    school_year = django_filters.ChoiceFilter(
        label=_("School year"), empty_label=_("All school years")
    )

    class Meta:
        model = Consultatie
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a consultation cannot lie in the future: no next school year
        self.filters["school_year"].extra["choices"] = filter_school_years(
            timezone.localdate(), keep=[self.data.get("school_year")]
        )
