from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from dossier.core.models import Dossier, Thema

FIELD_MAX = 4000


class Status(models.TextChoices):
    # the question is open; advice given, steps agreed
    OPEN = "open", _("Open")
    # the agreed steps have been followed up
    OPGEVOLGD = "opgevolgd", _("Followed up")
    # nothing more to do
    AFGESLOTEN = "afgesloten", _("Closed")


class AskedBy(models.TextChoices):
    LEERKRACHT = "leerkracht", _("Leerkracht")
    ZORGCOORDINATOR = "zorgcoordinator", _("Zorgcoördinator")
    LEERLINGENBEGELEIDER = "leerlingenbegeleider", _("Leerlingenbegeleider")
    ZORGLEERKRACHT = "zorgleerkracht", _("Zorgleerkracht")
    DIRECTIE = "directie", _("Directie")
    ANDERE = "andere", _("Someone else at the school")


class SubjectKind(models.TextChoices):
    LEERLING = "leerling", _("A pupil")
    GROEP = "groep", _("A group of pupils")
    KLAS = "klas", _("A class")
    LEERKRACHT = "leerkracht", _("A teacher")
    SCHOOLTEAM = "schoolteam", _("The school team")


class Consultatie(models.Model):
    """A short note of a consultation: advice to the school, not a CLB file on a pupil."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="consultaties", verbose_name=_("dossier")
    )
    date = models.DateField(_("date of the consultation"))
    school_year = models.CharField(_("school year"), max_length=9, db_index=True)
    asked_by = models.CharField(_("who asked"), max_length=30, choices=AskedBy.choices)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("participants")
    )
    other_participants = models.CharField(
        _("other participants, by role"), max_length=300, blank=True
    )
    subject_kind = models.CharField(_("about"), max_length=20, choices=SubjectKind.choices)
    label = models.CharField(
        _("label"),
        max_length=60,
        help_text=_("A class, initials or a label the school uses; never a full name."),
    )
    question = models.TextField(_("question"), max_length=FIELD_MAX)
    analysis = models.TextField(_("analysis"), max_length=FIELD_MAX, blank=True)
    advice = models.TextField(_("advice"), max_length=FIELD_MAX, blank=True)
    next_steps = models.TextField(_("agreed next steps"), max_length=FIELD_MAX, blank=True)
    follow_up_date = models.DateField(_("follow up on"), null=True, blank=True)
    themas = models.ManyToManyField(
        Thema, through="ConsultatieThema", related_name="+", verbose_name=_("themes")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # Marked when the consultation turned into a client relationship: closed here, recorded by
    # the CLB in its own file. Nothing is copied.
    client_relationship_at = models.DateTimeField(
        _("became a client relationship"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # The text the search looks in, kept by the services; on PostgreSQL a tsvector beside it.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("consultation note")
        verbose_name_plural = _("consultation notes")
        ordering = ["-date", "-pk"]
        indexes = [
            # the id too: the list's order (date, then id) and the search's walk through the
            # newest notes of many dossiers (samenwerking.search) read the index alone
            models.Index(fields=["dossier", "-date", "-id"]),
            models.Index(fields=["dossier", "label"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.label}"


class ConsultatieThema(models.Model):
    """One theme of one note, with the note's dossier and school year copied in, so the theme
    overview counts from this table alone (an index-only scan on the dossier, school year and
    theme). The services keep the copies: a new link takes them from the note, and a note
    whose school year changes moves its links along in the same transaction."""

    consultatie = models.ForeignKey(Consultatie, on_delete=models.CASCADE, related_name="+")
    thema = models.ForeignKey(Thema, on_delete=models.CASCADE, related_name="+")
    # indexed by the composite index below, which starts with it
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+", db_index=False)
    school_year = models.CharField(max_length=9)

    class Meta:
        # the table Django made for the plain many-to-many field, adopted as it is
        db_table = "consultatie_consultatie_themas"
        unique_together = [("consultatie", "thema")]
        indexes = [
            models.Index(
                fields=["dossier", "school_year", "thema"], name="consultatie_thema_overview"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultatie_id}: {self.thema_id}"


class Opmerking(models.Model):
    """A remark the school (or the CLB) adds to a note."""

    consultatie = models.ForeignKey(
        Consultatie, on_delete=models.CASCADE, related_name="opmerkingen"
    )
    text = models.TextField(_("remark"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Gespreksleidraad(models.Model):
    """A CLB's own prompts for the sections of a note; without one, ours are shown."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="gespreksleidraad",
        limit_choices_to={"kind": "clb"},
        verbose_name=_("CLB"),
    )
    question = models.CharField(_("prompt for the question"), max_length=300, blank=True)
    analysis = models.CharField(_("prompt for the analysis"), max_length=300, blank=True)
    advice = models.CharField(_("prompt for the advice"), max_length=300, blank=True)
    next_steps = models.CharField(_("prompt for the next steps"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conversation guide")
        verbose_name_plural = _("conversation guides")

    def __str__(self) -> str:
        return str(self.organisation)
