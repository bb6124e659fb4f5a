from django import forms

from accounts.models import User


class NotificationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_frequency"]
        widgets = {"notification_frequency": forms.RadioSelect}
