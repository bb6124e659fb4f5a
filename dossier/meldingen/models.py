from django.conf import settings
from django.db import models

from dossier.core.models import Dossier


class Notification(models.Model):
    """Something a person hears about by email: at once, in a daily digest, or not at all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # the dossier it is about; None for news of an organisation (a CLB's doorlichting report),
    # which ``place`` names instead
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    place = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_notification"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self) -> str:
        return self.subject
