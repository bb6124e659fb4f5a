from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.models import Audience, Dossier


class Samenwerkingsafspraak(Audience):
    """An agreement between the school and one to three partners, approved by each of them.

    The audience flags say which partners the current version binds (the school always is).
    """

    class Topic(models.TextChoices):
        CONSULTATIE = "consultatie", _("Organising consultative guidance")
        PRIORITERING = "prioritering", _("Prioritising learning-support requests")
        COMMUNICATIE = "communicatie", _("Communication")
        VERSLAGEN = "verslagen", _("Putting on hold or lifting a GC-, IAC- or OV4-verslag")
        SIGNALEN = "signalen", _("Signals")
        OVERLEG = "overleg", _("The structural meeting")
        PROFESSIONALISERING = "professionalisering", _("Professional development")
        KNIPPERLICHT = "knipperlicht", _("Knipperlichtsituaties")
        ANDERE = "andere", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, awaiting approval")
        APPROVED = "approved", _("Approved")
        TO_EVALUATE = "to_evaluate", _("To evaluate")
        EVALUATED = "evaluated", _("Evaluated")
        EXPIRED = "expired", _("Expired")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="afspraken")
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    evaluation_date = models.DateField(_("evaluate on"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_samenwerkingsafspraak"
        verbose_name = _("samenwerkingsafspraak")
        verbose_name_plural = _("samenwerkingsafspraken")
        ordering = ["evaluation_date", "pk"]
        indexes = [models.Index(fields=["dossier", "status", "evaluation_date"])]

    def __str__(self) -> str:
        return self.title


class AfspraakVersie(models.Model):
    """One version of an agreement's content; changing an approved agreement makes a new one."""

    afspraak = models.ForeignKey(
        Samenwerkingsafspraak, on_delete=models.CASCADE, related_name="versies"
    )
    number = models.PositiveIntegerField()
    summary = models.TextField(_("what we agree"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_afspraakversie"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["afspraak", "number"], name="afspraak_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.afspraak} v{self.number}"


class AfspraakPartij(models.Model):
    """A partner bound by one version of an agreement, what it does, and its approval."""

    versie = models.ForeignKey(AfspraakVersie, on_delete=models.CASCADE, related_name="partijen")
    kind = models.CharField(max_length=10, choices=OrganisationKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    responsibilities = models.TextField(_("what this partner does"), max_length=2000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_afspraakpartij"
        ordering = ["versie", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "kind"], name="afspraak_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.versie}: {self.organisation}"
