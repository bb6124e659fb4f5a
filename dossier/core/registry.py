"""What the sections tell the core about themselves.

The core never names a section: each section app registers, in its ``AppConfig.ready()``, the
tab it adds to the dossier layout, its report kinds, its retention record types, its search
provider, its overview widgets and the audit actions it records. The core and the platform
services (reports, retention, search) read these registries; adding a section touches only the
new app (docs/ARCHITECTURE.md has the checklist).

Registration happens once, at start-up; after that the registries are only read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:  # the access module builds on the models, which read this registry
    from dossier.core.access import DossierAccess, Section
    from dossier.core.services import AuditEntry


@dataclass(frozen=True)
class Tab:
    """A tab of the dossier layout: shown to whoever may read ``section`` in the dossier."""

    key: str
    label: str | Promise
    url_name: str  # reversed with the dossier's pk as ``pk``
    section: Section
    order: int
    # URL names (namespace:name, or namespace:* for a whole app) on which the tab is current
    current_on: tuple[str, ...] = ()
    # an extra condition, for tabs that depend on more than one section (reports)
    visible: Callable[[DossierAccess], bool] | None = None

    def shown_to(self, access: DossierAccess) -> bool:
        if not access.can_read(self.section):
            return False
        return self.visible is None or self.visible(access)

    def is_current(self, namespace: str, url_name: str) -> bool:
        names = self.current_on or (self.url_name,)
        return f"{namespace}:{url_name}" in names or f"{namespace}:*" in names


@dataclass(frozen=True)
class ReportKind:
    """A PDF a section offers: who may read it and the function that builds it.

    ``build(report)`` returns ``(template name, context)`` for the PDF: a template that
    extends ``reports/base.html``. The report pipeline renders every kind the same way, with
    one print stylesheet (``static/css/report.css``): a kind brings its data and its
    template, nothing more.
    """

    key: str
    label: str | Promise
    section: Section
    build: Callable[[Any], tuple[str, dict]]
    filename: str
    # A report about one item of the section (a samenwerkingsgesprek): asked for from that
    # item's page with its id (``Report.subject_id``), never from the reports page's form.
    requested_from_item: bool = False
    # ``check(access, report)`` looks at a report being asked for (unsaved) or opened: it
    # raises ValidationError for an item that is not the dossier's and PermissionDenied for
    # what this person may not have (confidential content), and returns the label the lists
    # show for the item ("LSC Kempen"). None: no items, no confidential content.
    check: Callable[[DossierAccess, Any], str] | None = None
    # WeasyPrint's ``pdf_variant`` for this kind: every kind sets "pdf/ua-1" (tagged and
    # accessible; dossier/rapporten/tests/test_pdf_ua.py holds them to it); empty would make a
    # plain PDF
    pdf_variant: str = ""
    # A kind that makes its own file rather than a PDF from a template (the dossier export, a
    # ZIP): ``make(report, progress)`` returns the file (a ``File`` or bytes) and calls
    # ``progress(done, total, note)`` as it goes, which the status row shows. ``build`` is then
    # not called.
    make: Callable[[Any, Callable[..., None]], Any] | None = None
    extension: str = "pdf"
    content_type: str = "application/pdf"
    # False: asked for without a school year (``Report.school_year`` empty), about all of them
    yearly: bool = True
    # The file is deleted this many days after it is ready (``Report.expires_at``); None: kept
    keep_days: int | None = None
    # DOSSIER: a report of one school's dossier, on its reports tab. ORGANISATION: a report of
    # one organisation across its schools (the CLB's doorlichting), asked for on that
    # organisation's page; ``organisation_check(user, organisation)`` raises PermissionDenied
    # for anyone who may not have it, ``page_url_name`` (reversed with the organisation's id as
    # ``organisation_id``) is that page, and ``audited_in(report)`` names the dossiers whose
    # audit logs record its download.
    scope: str = "dossier"
    organisation_check: Callable[[Any, Any], None] | None = None
    page_url_name: str = ""
    audited_in: Callable[[Any], list[int]] | None = None

    @property
    def for_dossier(self) -> bool:
        return self.scope == DOSSIER_SCOPE

    @property
    def asked_for_by_year(self) -> bool:
        """Asked for on the dossier's reports page with a school year (not about one item)."""
        return self.for_dossier and self.yearly and not self.requested_from_item


DOSSIER_SCOPE = "dossier"
ORGANISATION_SCOPE = "organisation"


@dataclass(frozen=True)
class ReportPart:
    """A chapter a section adds to the jaarverslag (the yearly report of the collaboration).

    The jaarverslag (``dossier.rapporten.jaarverslag``) is built for the person who asked
    for it, with their access as it is at the time of the build: it holds the parts of the
    sections that person reads (``access.can_read(section)``), in ``order``.
    ``context(dossier, access, school_year)`` returns the context of ``template`` (a fragment
    below the part's heading, ``label``), and decides item by item through ``access`` what the
    person may see of their section (an audience, ``audience_q``). A part whose items are
    audited when shown puts their events under ``"audit"`` (``AuditEntry`` list): the report
    records them all in one insert. ``None`` leaves the part out.
    """

    key: str
    label: str | Promise
    section: Section
    order: int
    template: str
    context: Callable[[Any, DossierAccess, str], dict | None]


@dataclass(frozen=True)
class ExportFile:
    """A stored file a section puts in the dossier export (a document's version): read
    through the storage API (``file.open("rb")``) in chunks when the ZIP is written, never
    whole in memory. The export makes ``folder`` and ``name`` safe as paths in the ZIP."""

    folder: str  # the document's title
    name: str  # "v2-verslag.pdf"
    file: Any  # a FieldFile
    # what makes the folder one item's: two documents with the same title get two folders
    folder_key: str = ""
    size: int = 0
    content_type: str = ""
    modified: datetime.datetime | None = None
    # the record of dossier.json that describes the file: the export sets its "path" to
    # where the file is in the ZIP
    record: dict | None = None


@dataclass(frozen=True)
class ExportTable:
    """One CSV file of the export: ``csv/<name>.csv``, a header and its rows (plain values:
    the export writes dates as dd/mm/yyyy and makes every text cell formula-safe)."""

    name: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class ExportAnswer:
    """A section's part of the dossier export, for one person: the records of ``dossier.json``
    (plain values; dates and datetimes are written in ISO 8601), its CSV tables, the stored
    files to include, the item reports to render (``(kind key, school year, subject id)``,
    each checked by its kind's ``check``), the school years it has data in, and the audit
    entries of audited content it hands over (consultation notes), recorded in one insert."""

    records: list[dict] = field(default_factory=list)
    tables: list[ExportTable] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)
    reports: list[tuple[str, str, int]] = field(default_factory=list)
    school_years: set[str] = field(default_factory=set)
    audit: list[AuditEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ExportPart:
    """What a section puts in the dossier export (``dossier.rapporten.export``), for whoever
    reads ``section``. ``collect(dossier, access)`` returns an ``ExportAnswer``, deciding item
    by item through ``access`` (an audience), in a fixed number of queries. ``schema`` is the
    JSON Schema of one record (``dossier.json`` holds the records under ``sections.<key>``;
    the export ships the whole schema as ``schema.json``)."""

    key: str
    label: str | Promise
    section: Section
    order: int
    collect: Callable[[Any, DossierAccess], ExportAnswer]
    schema: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DoorlichtingPart:
    """A chapter a section adds to the doorlichting overview (``dossier.rapporten.doorlichting``):
    what the inspectorate looks at of the signaalfunctie and the consultatieve
    leerlingenbegeleiding.

    For one school (its page, PDF and CSV, for whoever reads ``section`` in the dossier):
    ``school(dossier, school_year)`` returns the context of ``template``, with the CSV of the
    part under ``"csv"`` (a header and rows). Across an organisation's schools (the CLB
    directeur's overview, figures only and never an item's content): ``columns()`` are the
    headings of one row per school, and ``figures(windows, school_year)`` answers those rows
    (dossier id -> values) for ``windows``, each dossier's id with the first and last day the
    organisation served the school in the school year, in a fixed number of queries.
    """

    key: str
    label: str | Promise
    section: Section
    order: int
    template: str
    school: Callable[[Any, str], dict]
    columns: Callable[[], list[str]]
    figures: Callable[[dict[int, tuple[datetime.date, datetime.date]], str], dict[int, list]]
    # the CSV file's name for one school ("signalen")
    filename: str = ""


@dataclass(frozen=True)
class RetentionType:
    """Closed records of one model that the retention job deletes after their period.

    The model has ``closed_at`` (None while open) and ``dossier_id``.
    """

    key: str
    label: str | Promise
    model: type


@dataclass(frozen=True)
class SearchProvider:
    """A section's part of the one search box.

    ``search(user, query)`` returns ``SearchResults``: the hits the person may read, each a
    ``SearchHit``, and how many matched.
    """

    key: str
    label: str | Promise
    section: Section
    search: Callable[[Any, str], SearchResults]


@dataclass(frozen=True)
class SearchHit:
    kind: str
    kind_label: str | Promise
    rank: float
    title: str
    school: str
    excerpt: str
    url: str
    themes: list[str] = field(default_factory=list)
    # A hit whose excerpt shows audited content (a note's text) carries the event to record;
    # the search page writes the events of all hits it shows in one insert.
    audit: AuditEntry | None = None


@dataclass(frozen=True)
class SearchResults:
    """A provider's answer: the hits to show, best first, and how many matched. ``more`` says
    that more than ``count`` matched and only the ``count`` most recent were ranked."""

    hits: list[SearchHit]
    count: int
    more: bool = False


@dataclass(frozen=True)
class OverviewWidget:
    """A card on the dossier overview, for whoever may read ``section``.

    ``context(dossier, access)`` returns the template's context; ``None`` leaves the card out.
    """

    key: str
    section: Section
    template: str
    order: int
    context: Callable[[Any, DossierAccess], dict | None]


@dataclass(frozen=True)
class Linkable:
    """Items of a section that another section may link to (a meeting record links documents
    and agreements). ``readable(dossier, access)`` is the queryset of the dossier's items this
    person may see; the linking section declares its relation by app label ("documenten.Document")
    and reads the items only through this, so it never imports the other section."""

    key: str
    label: str | Promise
    readable: Callable[[Any, DossierAccess], Any]


@dataclass(frozen=True)
class AgreementMaker:
    """A section that drafts agreements for another (an agreement of the
    samenwerkingsgesprek becomes a samenwerkingsafspraak). ``make(*, dossier, user, access,
    title, summary, evaluation_date, partner_kind, school_does, partner_does)`` drafts one
    between the school and the person's organisation of ``partner_kind``, through that
    section's own service (its checks, its approval flow), and returns it."""

    key: str
    make: Callable[..., Any]


class Bucket:
    """The werkoverzicht's kinds of work, in the order the page shows them."""

    OVERDUE = "overdue"  # a follow-up date passed, an agreement due for evaluation
    ASKED = "asked"  # waits for this person: an approval asked of their organisation
    NEW = "new"  # written by someone else since the person's previous login
    UPCOMING = "upcoming"  # a meeting or samenwerkingsgesprek in the coming weeks
    READY = "ready"  # a report the person asked for, ready to download

    ALL = (OVERDUE, ASKED, NEW, UPCOMING, READY)
    # what makes a school "need attention" first
    URGENT = (OVERDUE, ASKED)


@dataclass(frozen=True)
class WorkItem:
    """One line of the werkoverzicht: something in one dossier that needs the person."""

    bucket: str
    dossier_id: int
    kind_label: str | Promise
    title: str
    when: Any  # a date or an aware datetime: the list sorts on it
    url: str
    school: str = ""  # filled in by the core

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass
class WorkAnswer:
    """A source's part of the werkoverzicht: how many items each dossier has per bucket, and
    the first few of each bucket (the most urgent first)."""

    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    items: list[WorkItem] = field(default_factory=list)

    def total(self, bucket: str) -> int:
        """How many items of ``bucket`` were counted so far: a source reads the items of a
        bucket only when there are any."""
        return sum(count for (_dossier, key), count in self.counts.items() if key == bucket)

    def add_counts(self, bucket: str, rows: Iterable[tuple[int, int]]) -> None:
        """``rows`` are ``(dossier id, count)`` pairs, as ``values_list`` of a grouped query
        gives them."""
        for dossier_id, count in rows:
            if count:
                key = (dossier_id, bucket)
                self.counts[key] = self.counts.get(key, 0) + count


@dataclass(frozen=True)
class WorkSource:
    """What a section adds to the werkoverzicht (the home page) of a person.

    ``collect(ask)`` gets a ``dossier.core.werk.WorkAsk`` (the person, the dossiers in which
    they read ``section`` with their access there, the time of their previous login) and
    returns a ``WorkAnswer``. It reads only those dossiers, in a fixed number of queries
    whatever their number (grouped counts, and the first ``ask.limit`` items of a bucket).
    """

    key: str
    section: Section
    order: int
    collect: Callable[[Any], WorkAnswer]
    # The models whose rows the source counts, each with the path from a row to its dossier's
    # id ("signaal.dossier_id"): a write to one of them refreshes the werkoverzichten that
    # show that dossier (they are cached until then).
    watch: tuple[tuple[type, str], ...] = ()


@dataclass(frozen=True)
class AuditAction:
    """Something the audit log records. Quiet actions (reads, downloads) stay out of the
    overview's recent activity; they are in the audit log."""

    key: str
    label: str | Promise
    quiet: bool = False


class Registry:
    def __init__(self):
        self.tabs: dict[str, Tab] = {}
        self.report_kinds: dict[str, ReportKind] = {}
        self.retention_types: dict[str, RetentionType] = {}
        self.search_providers: dict[str, SearchProvider] = {}
        self.overview_widgets: dict[str, OverviewWidget] = {}
        self.audit_actions: dict[str, AuditAction] = {}
        self.linkables: dict[str, Linkable] = {}
        self.agreement_makers: dict[str, AgreementMaker] = {}
        self.work_sources: dict[str, WorkSource] = {}
        self.report_parts: dict[str, ReportPart] = {}
        self.doorlichting_parts: dict[str, DoorlichtingPart] = {}
        self.export_parts: dict[str, ExportPart] = {}
        # called with each work source as it registers (the core watches its models)
        self.work_source_hooks: list[Callable[[WorkSource], None]] = []

    def register(
        self,
        *,
        tabs: Iterable[Tab] = (),
        report_kinds: Iterable[ReportKind] = (),
        retention_types: Iterable[RetentionType] = (),
        search_providers: Iterable[SearchProvider] = (),
        overview_widgets: Iterable[OverviewWidget] = (),
        audit_actions: Iterable[AuditAction] = (),
        linkables: Iterable[Linkable] = (),
        agreement_makers: Iterable[AgreementMaker] = (),
        work_sources: Iterable[WorkSource] = (),
        report_parts: Iterable[ReportPart] = (),
        export_parts: Iterable[ExportPart] = (),
        doorlichting_parts: Iterable[DoorlichtingPart] = (),
    ) -> None:
        """Called from a section's ``AppConfig.ready()``; a key may be registered only once."""
        for store, items in (
            (self.tabs, tabs),
            (self.report_kinds, report_kinds),
            (self.retention_types, retention_types),
            (self.search_providers, search_providers),
            (self.overview_widgets, overview_widgets),
            (self.audit_actions, audit_actions),
            (self.linkables, linkables),
            (self.agreement_makers, agreement_makers),
            (self.work_sources, work_sources),
            (self.report_parts, report_parts),
            (self.export_parts, export_parts),
            (self.doorlichting_parts, doorlichting_parts),
        ):
            for item in items:
                if item.key in store and store[item.key] != item:
                    raise ImproperlyConfigured(f"{item.key!r} is registered twice.")
                store[item.key] = item
        for source in work_sources:
            for hook in self.work_source_hooks:
                hook(source)

    def tabs_for(self, access: DossierAccess) -> list[Tab]:
        return sorted(
            (tab for tab in self.tabs.values() if tab.shown_to(access)), key=lambda t: t.order
        )

    def widgets_for(self, access: DossierAccess) -> list[OverviewWidget]:
        return sorted(
            (w for w in self.overview_widgets.values() if access.can_read(w.section)),
            key=lambda w: w.order,
        )

    def parts_for(self, access: DossierAccess) -> list[ReportPart]:
        """The jaarverslag's parts this person reads, in their order."""
        return sorted(
            (part for part in self.report_parts.values() if access.can_read(part.section)),
            key=lambda part: (part.order, part.key),
        )

    def doorlichting_parts_for(self, access: DossierAccess | None = None) -> list[DoorlichtingPart]:
        """The doorlichting's parts, in order; with ``access``, those that person reads."""
        return sorted(
            (
                part
                for part in self.doorlichting_parts.values()
                if access is None or access.can_read(part.section)
            ),
            key=lambda part: (part.order, part.key),
        )

    def audit_label(self, key: str) -> str | Promise:
        action = self.audit_actions.get(key)
        return action.label if action else key

    def quiet_actions(self) -> list[str]:
        return [key for key, action in self.audit_actions.items() if action.quiet]

    def is_quiet(self, key: str) -> bool:
        action = self.audit_actions.get(key)
        return bool(action and action.quiet)

    def report_kind_choices(self) -> list[tuple[str, str | Promise]]:
        return [(key, kind.label) for key, kind in self.report_kinds.items()]

    def dossier_report_kinds(self) -> dict[str, ReportKind]:
        """The kinds of one school's dossier (its reports tab), not an organisation's."""
        return {key: kind for key, kind in self.report_kinds.items() if kind.for_dossier}

    def retention_choices(self) -> list[tuple[str, str | Promise]]:
        return [(key, kind.label) for key, kind in self.retention_types.items()]


registry = Registry()
