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


class GrantAccessForm(forms.Form):
    """Grant or change someone's access. The rules themselves live in ``access_grant``."""

    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person…"),
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
        users = {}
        groups: dict[str, list] = {}
        for membership in candidates:
            user = membership.user
            if user.pk in users:
                continue
            user.choice_label = f"{user} – {membership.get_role_display()}"
            users[user.pk] = user
            groups.setdefault(membership.organisation.name, []).append(user)
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=users.keys())
        field.choices = [("", field.empty_label)] + [
            (org, [(user.pk, user.choice_label) for user in people])
            for org, people in groups.items()
        ]
