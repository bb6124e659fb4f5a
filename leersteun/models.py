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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.models import Dossier
from leersteun.workflow import Status


def lsc_field(on_delete, **kwargs) -> models.ForeignKey:
    """The LSC a row belongs to: an organisation of that kind, without a reverse accessor."""
    return models.ForeignKey(
        Organisation,
        on_delete=on_delete,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.LSC},
        **kwargs,
    )


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
    lsc = lsc_field(models.PROTECT, verbose_name=_("LSC"))
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


# --- the filters of a template version --------------------------------------------------------


class Filter(models.Model):
    """A condition the LSC lays on every leersteunvraag before it starts (juiste fase,
    mandaat, ...): part of its template version, worded by the LSC. ``key`` stays the same from
    version to version, as a question's does."""

    versie = models.ForeignKey(SjabloonVersie, on_delete=models.CASCADE, related_name="filters")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("filter"), max_length=200)
    description = models.TextField(_("what we check"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("filter")
        verbose_name_plural = _("filters")
        ordering = ["versie", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "key"], name="filter_key_per_version")
        ]

    def __str__(self) -> str:
        return self.name


# --- leersteunvragen ---------------------------------------------------------------------------


class Cluster(models.Model):
    """Questions of one or several schools of one LSC, worked on together (teacher- or
    team-oriented instead of pupil by pupil), with a plan and an ondersteuner of its own."""

    class Approach(models.TextChoices):
        LEERKRACHT = "leerkracht", _("Teacher-oriented")
        SCHOOLTEAM = "schoolteam", _("Team-oriented")

    lsc = lsc_field(models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices)
    plan = models.TextField(_("plan"), max_length=4000, blank=True)
    ondersteuner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ondersteuner"),
    )
    estimated_hours = models.DecimalField(
        _("hours per week"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["lsc", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_hours__isnull=True) | Q(estimated_hours__gte=0),
                name="cluster_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Leersteunvraag(models.Model):
    """A request for learning support of one school to one LSC. The pupil, if any, is named
    by a pseudonymous label only."""

    class Level(models.TextChoices):
        LEERLING = "leerling", _("Pupil")
        LEERKRACHT = "leerkracht", _("Teacher")
        SCHOOLTEAM = "schoolteam", _("School team")

    class Owner(models.TextChoices):
        """Who owns the question (the vraagsteller), by role."""

        LEERKRACHT = "leerkracht", _("A teacher")
        ZORGCOORDINATOR = "zorgcoordinator", _("The zorgcoördinator")
        LEERLINGENBEGELEIDER = "leerlingenbegeleider", _("A leerlingenbegeleider")
        DIRECTIE = "directie", _("The directie")
        SCHOOLTEAM = "schoolteam", _("The school team")
        ANDERE = "andere", _("Someone else at the school")

    class Verslag(models.TextChoices):
        NONE = "", _("No verslag")
        GC = "gc", _("GC-verslag")
        IAC = "iac", _("IAC-verslag")
        OV4 = "ov4", _("OV4-verslag")

    class VerslagType(models.TextChoices):
        UNKNOWN = "", _("Not known")
        BASISAANBOD = "basisaanbod", _("Basisaanbod")
        TYPE_2 = "2", _("Type 2")
        TYPE_3 = "3", _("Type 3")
        TYPE_4 = "4", _("Type 4")
        TYPE_6 = "6", _("Type 6")
        TYPE_7 = "7", _("Type 7")
        TYPE_9 = "9", _("Type 9")

    class Priority(models.TextChoices):
        HIGH = "hoog", _("High")
        NORMAL = "normaal", _("Normal")
        LOW = "laag", _("Low")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="leersteunvragen")
    lsc = lsc_field(models.PROTECT, verbose_name=_("LSC"))
    school_year = models.CharField(_("school year"), max_length=9)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    owner = models.CharField(_("who owns the question"), max_length=30, choices=Owner.choices)
    label = models.CharField(
        _("label"),
        max_length=60,
        help_text=_("A pseudonymous label (class, initials, a group): never a pupil's name."),
    )
    leervraag = models.TextField(_("the question"), max_length=3000)
    phase_0_1 = models.TextField(
        _("what the school already did in phase 0 and 1"), max_length=3000, blank=True
    )
    phase_2_3 = models.TextField(
        _("what the school does itself in phase 2 and 3"), max_length=3000, blank=True
    )
    verslag = models.CharField(
        _("verslag"), max_length=10, choices=Verslag.choices, blank=True, default=""
    )
    verslag_type = models.CharField(
        _("type"), max_length=20, choices=VerslagType.choices, blank=True, default=""
    )
    domain_inclusie = models.BooleanField(_("inclusion"), default=False)
    domain_onderwijskunde = models.BooleanField(_("educational science"), default=False)
    domain_coaching = models.BooleanField(_("coaching"), default=False)
    domain_doelgroep = models.BooleanField(_("target-group expertise"), default=False)
    themas = models.ManyToManyField(
        "dossier.Thema", blank=True, related_name="+", verbose_name=_("themes")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AANGEMELD
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, blank=True, default=""
    )
    # the reason the school reads when the LSC does not start the question (or pauses it)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    ondersteuner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ondersteuner"),
    )
    estimated_hours = models.DecimalField(
        _("hours per week"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vragen",
        verbose_name=_("cluster"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_side = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # since when it waits (set on entering the waiting list, cleared on leaving it)
    waiting_since = models.DateTimeField(null=True, blank=True)
    # for the retention job (dossier.bewaring): when it was rounded off or not started
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("leersteunvraag")
        verbose_name_plural = _("leersteunvragen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["lsc", "status"]),
            models.Index(fields=["dossier", "status"]),
            models.Index(fields=["ondersteuner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_hours__isnull=True) | Q(estimated_hours__gte=0),
                name="vraag_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.leervraag[:50]}"

    @property
    def theme_names(self) -> list[str]:
        """Its themes' names (prefetch ``themas`` in name order for a list)."""
        return [thema.name for thema in self.themas.all()]

    @property
    def domains(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.domain_inclusie, _("inclusion")),
                (self.domain_onderwijskunde, _("educational science")),
                (self.domain_coaching, _("coaching")),
                (self.domain_doelgroep, _("target-group expertise")),
            )
            if flag
        ]


class FilterBeoordeling(models.Model):
    """One filter laid on one question during screening."""

    class State(models.TextChoices):
        MET = "met", _("Met")
        NOT_YET = "not_yet", _("Not yet")
        NOT_APPLICABLE = "na", _("Not applicable")

    vraag = models.ForeignKey(
        Leersteunvraag, on_delete=models.CASCADE, related_name="beoordelingen"
    )
    filter_key = models.UUIDField()
    # the filter's wording when it was laid on, so a later template does not change it
    filter_name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    remark = models.CharField(_("remark"), max_length=1000, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vraag", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vraag", "filter_key"], name="filter_once_per_vraag")
        ]

    def __str__(self) -> str:
        return f"{self.vraag}: {self.filter_name}"


class VraagGebeurtenis(models.Model):
    """The timeline of a question: registered, screened, a status change, assigned..."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        STATUS = "status", _("Status changed")
        SCREENED = "screened", _("Filters laid on")
        ASSIGNED = "assigned", _("Ondersteuner assigned")
        PRIORITY = "priority", _("Priority set")
        CLUSTERED = "clustered", _("Clustered")

    vraag = models.ForeignKey(
        Leersteunvraag, on_delete=models.CASCADE, related_name="gebeurtenissen"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.CharField(max_length=2000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vraag", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.vraag}: {self.get_kind_display()}"


class Capaciteit(models.Model):
    """The hours per week an ondersteuner gives for an LSC (set by the coördinator)."""

    lsc = lsc_field(models.CASCADE)
    ondersteuner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [
            models.UniqueConstraint(fields=["lsc", "ondersteuner"], name="capaciteit_once"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0), name="capaciteit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ondersteuner}: {self.hours_per_week}"


# --- the leersteunraad -------------------------------------------------------------------------


class RaadLid(models.Model):
    """A member of an LSC's leersteunraad: a school's representative, or another member
    (named by role, with or without an account)."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("Representative of a school")
        CLB = "clb", _("CLB")
        BUITENGEWOON = "buitengewoon", _("School for special education")
        WELZIJN = "welzijn", _("Welfare partner")
        OUDERS = "ouders", _("Parents' representative")
        LEERLINGEN = "leerlingen", _("Pupils' representative")
        LEERKRACHTEN = "leerkrachten", _("Teachers' representative")
        ONDERSTEUNERS = "ondersteuners", _("Ondersteuners' representative")
        ANDERE = "andere", _("Other member")

    lsc = lsc_field(models.CASCADE)
    kind = models.CharField(_("kind of member"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person with an account"),
    )
    name = models.CharField(_("name or role"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), default=timezone.localdate)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("member of the leersteunraad")
        verbose_name_plural = _("members of the leersteunraad")
        ordering = ["lsc", "kind", "name"]

    def __str__(self) -> str:
        return self.name or str(self.user or self.school)


class RaadVergadering(models.Model):
    """A meeting of the leersteunraad."""

    lsc = lsc_field(models.CASCADE)
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), max_length=4000)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    present = models.ManyToManyField(
        RaadLid, blank=True, related_name="vergaderingen", verbose_name=_("present")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting of the leersteunraad")
        verbose_name_plural = _("meetings of the leersteunraad")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"


class Toewijzingsregel(models.Model):
    """An allocation rule the leersteunraad decided: in words, and the hours per week a school
    gets when the rule sets them."""

    lsc = lsc_field(models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("the rule"), max_length=4000)
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    decided_in = models.ForeignKey(
        RaadVergadering,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regels",
        verbose_name=_("decided in"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation rule")
        verbose_name_plural = _("allocation rules")
        ordering = ["lsc", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=0),
                name="regel_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title


def _raad_document_path(instance, filename: str) -> str:
    """A random name: the original name is kept in the database, never in the path."""
    import secrets

    return f"leersteunraad/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}"


class RaadDocument(models.Model):
    """A document of a meeting of the leersteunraad (a note, a presentation, the figures):
    checked by its content like every upload, stored through the storage API, downloaded only
    through its view."""

    vergadering = models.ForeignKey(
        RaadVergadering, on_delete=models.CASCADE, related_name="documenten"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_raad_document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document of the leersteunraad")
        verbose_name_plural = _("documents of the leersteunraad")
        ordering = ["vergadering", "title", "pk"]

    def __str__(self) -> str:
        return self.title
