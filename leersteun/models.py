"""The LSC's section: the yearly samenwerkingsgesprek and the templates it is held with.

A template (``Sjabloon``) belongs to one LSC, or to nobody for the platform's starter template.
Its content lives in versions: a coördinator edits a draft and publishes it; a published
version never changes, and a conversation keeps the version it was started with. A question
keeps its ``key`` from version to version, so last year's answer finds this year's question
and two versions can be compared.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.models import Dossier


class Sjabloon(models.Model):
    """The template of one LSC's samenwerkingsgesprek (``lsc`` empty: the starter template)."""

    lsc = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gesprek_sjabloon",
        limit_choices_to={"kind": OrganisationKind.LSC},
        verbose_name=_("LSC"),
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation template")
        verbose_name_plural = _("conversation templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lsc"], condition=Q(lsc__isnull=True), name="one_starter_template"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SjabloonVersie(models.Model):
    """One version of a template: a draft while it is edited, then published and fixed."""

    sjabloon = models.ForeignKey(Sjabloon, on_delete=models.CASCADE, related_name="versies")
    number = models.PositiveIntegerField(_("version"))
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["sjabloon", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sjabloon", "number"], name="sjabloon_version_unique"),
            # one draft at a time per template
            models.UniqueConstraint(
                fields=["sjabloon"],
                condition=Q(published_at__isnull=True),
                name="sjabloon_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sjabloon} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Onderdeel(models.Model):
    """A part of a template version (mission and vision, the filters, ...)."""

    versie = models.ForeignKey(SjabloonVersie, on_delete=models.CASCADE, related_name="onderdelen")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["versie", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "key"], name="onderdeel_key_per_version")
        ]

    def __str__(self) -> str:
        return self.title


class Vraag(models.Model):
    """A question of a part. Its ``key`` stays the same in every version of the template."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice from a list")
        PEOPLE = "people", _("List of people")
        TERMS = "terms", _("Dates per term")

    class FilledBy(models.TextChoices):
        SCHOOL = "school", _("The school")
        LSC = "lsc", _("The LSC")

    class Prefill(models.TextChoices):
        """What the platform already knows and puts in as the first answer."""

        NONE = "", _("Nothing")
        SCHOOL_NAME = "school_name", _("The school's name")
        SCHOOL_ADDRESS = "school_address", _("The school's address")
        SCHOOL_PHONE = "school_phone", _("The school's phone number")
        INSTELLINGSNUMMER = "instellingsnummer", _("The instellingsnummer")
        VESTIGINGEN = "vestigingen", _("The vestigingen")
        CLB = "clb", _("The current CLB")
        PBD = "pbd", _("The current pedagogical support service")
        PEOPLE_WITH_ACCESS = "people_with_access", _("The people with access and their roles")
        ANKERPERSONEN = "ankerpersonen", _("The LSC's ankerpersonen")

    onderdeel = models.ForeignKey(Onderdeel, on_delete=models.CASCADE, related_name="vragen")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=1000, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    # the options of a choice question, one per line
    choices = models.TextField(_("options"), max_length=2000, blank=True)
    filled_by = models.CharField(
        _("filled in by"), max_length=10, choices=FilledBy.choices, default=FilledBy.SCHOOL
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Door, wifi or copier codes: shown only to the school and the LSC, masked until "
            "revealed, and left out of e-mails, search and reports."
        ),
    )
    prefill = models.CharField(
        _("filled in beforehand with"),
        max_length=30,
        choices=Prefill.choices,
        default=Prefill.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["onderdeel", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="choice") | ~Q(choices=""), name="vraag_choice_has_options"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Gesprek(models.Model):
    """The samenwerkingsgesprek of one school and one LSC in one school year."""

    class Status(models.TextChoices):
        VOORBEREIDING = "voorbereiding", _("In preparation")
        GEPLAND = "gepland", _("Planned")
        GEHOUDEN = "gehouden", _("Held")
        AFGEROND = "afgerond", _("Concluded")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="gesprekken")
    lsc = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.LSC},
        verbose_name=_("LSC"),
    )
    school_year = models.CharField(_("school year"), max_length=9)
    versie = models.ForeignKey(SjabloonVersie, on_delete=models.PROTECT, related_name="gesprekken")
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VOORBEREIDING
    )
    planned_for = models.DateTimeField(_("date and time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    school_participants = models.CharField(_("for the school"), max_length=500, blank=True)
    lsc_participants = models.CharField(_("for the LSC"), max_length=500, blank=True)
    clb_participants = models.CharField(_("for the CLB"), max_length=500, blank=True)
    pbd_participants = models.CharField(_("for the PBD"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("samenwerkingsgesprek")
        verbose_name_plural = _("samenwerkingsgesprekken")
        ordering = ["-school_year", "lsc__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "lsc", "school_year"], name="gesprek_once_per_year"
            )
        ]
        indexes = [models.Index(fields=["lsc", "school_year"])]

    def __str__(self) -> str:
        return f"{self.lsc} {self.school_year}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.AFGEROND


class Antwoord(models.Model):
    """The current answer to one question in one conversation. ``value`` holds the answer in
    the shape of its question's kind (``leersteun.answers``); every change leaves the earlier
    answer in ``AntwoordVersie``."""

    class Origin(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        CARRIED = "carried", _("From last year, to confirm")
        PLATFORM = "platform", _("From the platform, to confirm")

    gesprek = models.ForeignKey(Gesprek, on_delete=models.CASCADE, related_name="antwoorden")
    vraag = models.ForeignKey(Vraag, on_delete=models.PROTECT, related_name="antwoorden")
    value = models.JSONField(_("answer"), null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ANSWERED)
    # the school year the carried answer comes from, until someone confirms or changes it
    carried_from = models.CharField(max_length=9, blank=True)
    # what last year's conversation said, to show what changed since
    previous_value = models.JSONField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_side = models.CharField(max_length=10, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["gesprek", "vraag"], name="antwoord_once")]

    def __str__(self) -> str:
        return f"{self.gesprek}: {self.vraag}"


class AntwoordVersie(models.Model):
    """An earlier answer, kept when it was changed (and, after closing, corrected)."""

    antwoord = models.ForeignKey(Antwoord, on_delete=models.CASCADE, related_name="versies")
    value = models.JSONField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)
    # replaced by a correction after the conversation was closed
    correction = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["antwoord", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.antwoord} ({self.replaced_at:%d/%m/%Y})"


class GesprekAfspraak(models.Model):
    """A concrete agreement that came out of the conversation."""

    class Partner(models.TextChoices):
        SCHOOL = "school", _("The school")
        LSC = "lsc", _("The LSC")
        BOTH = "both", _("School and LSC")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        ONGOING = "ongoing", _("Ongoing")
        DROPPED = "dropped", _("Dropped")

    gesprek = models.ForeignKey(Gesprek, on_delete=models.CASCADE, related_name="afspraken")
    what = models.TextField(_("what we agree"), max_length=2000)
    partner = models.CharField(_("who does it"), max_length=10, choices=Partner.choices)
    due_date = models.DateField(_("by when"), null=True, blank=True)
    # by app label: the agreements section is linked, never imported
    samenwerkingsafspraak = models.ForeignKey(
        "afspraken.Samenwerkingsafspraak",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gesprek_afspraken",
    )
    # next year's evaluation of this agreement
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_remark = models.CharField(_("remark"), max_length=1000, blank=True)
    evaluated_in = models.ForeignKey(
        Gesprek, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluaties"
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement from the conversation")
        verbose_name_plural = _("agreements from the conversation")
        ordering = ["gesprek", "due_date", "pk"]

    def __str__(self) -> str:
        return self.what[:60]
