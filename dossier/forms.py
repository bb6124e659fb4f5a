from django import forms
from django.utils.translation import gettext_lazy as _


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
