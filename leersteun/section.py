"""What the LSC's section tells the core: its tab, its report and its audit actions."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import AuditAction, RetentionType, Tab, WorkSource, registry

GESPREK_STARTED = AuditAction("gesprek_started", _("Samenwerkingsgesprek started"))
GESPREK_STATUS = AuditAction("gesprek_status", _("Samenwerkingsgesprek status changed"))
ANSWER_CORRECTED = AuditAction(
    "gesprek_answer_corrected", _("Answer in a closed samenwerkingsgesprek corrected")
)
CONFIDENTIAL_REVEALED = AuditAction(
    "gesprek_confidential_revealed", _("Confidential answer shown"), quiet=True
)
# --- leersteunvragen (area: vragen) ---
VRAAG_REGISTERED = AuditAction("vraag_registered", _("Leersteunvraag registered"))
VRAAG_CHANGED = AuditAction("vraag_changed", _("Leersteunvraag changed"))
VRAAG_SCREENED = AuditAction("vraag_screened", _("Filters laid on a leersteunvraag"))
VRAAG_STATUS = AuditAction("vraag_status", _("Leersteunvraag status changed"))
VRAAG_ACTIONS = [VRAAG_REGISTERED, VRAAG_CHANGED, VRAAG_SCREENED, VRAAG_STATUS]
# --- clusters and the LSC's question list (area: clusters) ---
VRAAG_CLUSTERED = AuditAction(
    "vraag_clustered", _("Leersteunvraag added to or taken out of a cluster")
)
VRAGEN_EXPORTED = AuditAction(
    "leersteunvragen_exported", _("Leersteunvragen exported (CSV)"), quiet=True
)
CLUSTER_ACTIONS = [VRAAG_CLUSTERED, VRAGEN_EXPORTED]
# --- priorities, ondersteuners and hours (area: capacity) ---
VRAAG_ASSIGNED = AuditAction("leersteunvraag_assigned", _("Ondersteuner of a leersteunvraag set"))
VRAAG_PRIORITY = AuditAction("leersteunvraag_priority", _("Priority of a leersteunvraag set"))
CAPACITY_ACTIONS = [VRAAG_ASSIGNED, VRAAG_PRIORITY]


def register() -> None:
    from leersteun.models import Gesprek, Leersteunvraag
    from leersteun.reports import GESPREK_REPORT  # the conversation's PDF
    from leersteun.selectors.werk import work_for

    registry.register(
        tabs=[
            Tab(
                key="leersteun",
                label=_("Leersteun"),
                url_name="leersteun:gesprekken",
                section=Section.LEERSTEUN,
                order=55,
                current_on=("leersteun:*",),
            )
        ],
        audit_actions=[
            GESPREK_STARTED,
            GESPREK_STATUS,
            ANSWER_CORRECTED,
            CONFIDENTIAL_REVEALED,
            *VRAAG_ACTIONS,
            *CLUSTER_ACTIONS,
            *CAPACITY_ACTIONS,
        ],
        report_kinds=[GESPREK_REPORT],
        work_sources=[
            WorkSource(
                key="leersteun",
                section=Section.LEERSTEUN,
                order=60,
                collect=work_for,
                watch=((Gesprek, "dossier_id"), (Leersteunvraag, "dossier_id")),
            )
        ],
        # closed leersteunvragen (rounded off, not started): closed_at set by the workflow
        retention_types=[
            RetentionType(key="leersteunvraag", label=_("Leersteunvragen"), model=Leersteunvraag)
        ],
    )
    # the leersteun chapter of the yearly report
    from leersteun.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the conversations and the leersteunvragen in the dossier export
    from leersteun.export import PARTS as EXPORT_PARTS

    registry.register(export_parts=EXPORT_PARTS)
