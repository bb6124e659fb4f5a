from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import OrganisationKind
from dossier.core.models import Dossier


class StructureelOverleg(models.Model):
    """The school's structural meeting with PBD, CLB and possibly LSC."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="overleggen")
    date = models.DateField(_("date"))
    school_participants = models.CharField(_("for the school"), max_length=300, blank=True)
    clb_participants = models.CharField(_("for the CLB"), max_length=300, blank=True)
    pbd_participants = models.CharField(_("for the PBD"), max_length=300, blank=True)
    lsc_participants = models.CharField(_("for the LSC"), max_length=300, blank=True)
    data_reflected_on = models.TextField(
        _("data we reflected on"),
        max_length=2000,
        blank=True,
        help_text=_("Datawijzer, leersteunwijzer, data from the CLB … and links to them."),
    )
    agenda = models.TextField(_("agenda"), max_length=4000)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    next_meeting_date = models.DateField(_("next meeting"), null=True, blank=True)
    minutes_keeper = models.CharField(
        _("who keeps the minutes"),
        max_length=10,
        choices=OrganisationKind.choices,
        default=OrganisationKind.SCHOOL,
    )
    documents = models.ManyToManyField(
        # by app label: the documents section is linked, never imported (see the registry)
        "documenten.Document",
        blank=True,
        related_name="+",
        verbose_name=_("documents"),
    )
    afspraken = models.ManyToManyField(
        "afspraken.Samenwerkingsafspraak",
        blank=True,
        related_name="overleggen",
        verbose_name=_("agreements made or adjusted"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_structureeloverleg"
        verbose_name = _("structural meeting")
        verbose_name_plural = _("structural meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"
