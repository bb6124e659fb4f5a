from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from dossier.core.models import Dossier, ReferenceItem, Thema
from samenwerking.schoolyear import validate_school_year
from signalen.workflow import OPEN_STATUSES, QUESTION, Kind, Status

TITLE_MAX = 160
TEXT_MAX = 2000
SUPPLEMENT_MAX = 4000


class Bron(ReferenceItem):
    """Where a signal comes from (LARS registration, the CLB's own data, parents, ...)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class Signaal(models.Model):
    """A notable pattern the CLB (or the school) reports, briefly formulated."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="signalen", verbose_name=_("dossier")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("short description"), max_length=TEXT_MAX)
    thema = models.ForeignKey(
        Thema, on_delete=models.PROTECT, related_name="+", verbose_name=_("theme")
    )
    bron = models.ForeignKey(
        Bron, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year]
    )
    follow_up_date = models.DateField(_("follow up on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NIEUW
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    # The text the search looks in (title, description, supplements), kept by the services.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            # the id too: the list's order and the search's walk through the most recently
            # active signals of many dossiers (samenwerking.search) read the index alone
            models.Index(fields=["dossier", "-last_activity_at", "-id"]),
            models.Index(fields=["dossier", "school_year"]),
            models.Index(fields=["follow_up_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Aanvulling(models.Model):
    """A supplement to a signal; corrections keep the earlier text as a version."""

    signaal = models.ForeignKey(
        Signaal, on_delete=models.CASCADE, related_name="aanvullingen", verbose_name=_("signal")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=SUPPLEMENT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement")
        verbose_name_plural = _("supplements")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    @property
    def question(self):
        return QUESTION.get(self.kind)


class AanvullingVersie(models.Model):
    """An earlier text of a supplement, kept when it was corrected."""

    aanvulling = models.ForeignKey(Aanvulling, on_delete=models.CASCADE, related_name="versies")
    text = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Gebeurtenis(models.Model):
    """A moment on the signal's timeline that is not a supplement: created, status, edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Signal logged")
        STATUS = "status", _("Status changed")
        EDITED = "edited", _("Signal corrected")

    signaal = models.ForeignKey(Signaal, on_delete=models.CASCADE, related_name="gebeurtenissen")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    automatic = models.BooleanField(default=False)
    # For corrections: the title and text as they were before.
    old_title = models.CharField(max_length=TITLE_MAX, blank=True)
    old_text = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()
