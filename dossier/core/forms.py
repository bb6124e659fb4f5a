from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossier.core.services import AccessLevel


class DossierSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a school"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, instellingsnummer or municipality"),
                "autocomplete": "off",
            }
        ),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.choice_label


class CandidateSelect(forms.Select):
    """A select whose options for people who cannot be given access are disabled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class GrantAccessForm(forms.Form):
    """Grant or change someone's access. The rules themselves live in ``access_grant``.

    ``candidates`` are the groups of ``access_candidates``: the eligible people can be chosen,
    the others are shown disabled with the reason. A tampered POST for one of those still
    reaches ``access_grant``, which refuses it and says why.
    """

    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person…"),
        widget=CandidateSelect,
    )
    level = forms.ChoiceField(
        label=_("Access"),
        choices=AccessLevel.choices,
        initial=AccessLevel.VIEW,
        widget=forms.RadioSelect,
    )
    can_manage = forms.BooleanField(
        label=_("May also manage access (only for members of the school's zorgteam)"),
        required=False,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        choices = [("", field.empty_label)]
        listed = []
        disabled = set()
        for group in candidates:
            options = []
            for candidate in group.people:
                label = f"{candidate.user} – {candidate.role}"
                if not candidate.eligible:
                    label = _("%(person)s (cannot get access: %(reason)s)") % {
                        "person": label,
                        "reason": candidate.reason,
                    }
                    disabled.add(str(candidate.user.pk))
                options.append((candidate.user.pk, label))
                listed.append(candidate.user.pk)
            choices.append((group.organisation.name, options))
        field.queryset = User.objects.filter(pk__in=listed)
        field.choices = choices
        field.widget.disabled_values = disabled
        self.eligible_count = len(listed) - len(disabled)
        self.ineligible_count = len(disabled)
