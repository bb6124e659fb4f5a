"""What the LSC's section tells the core: its tab, its report and its audit actions."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import AuditAction, Tab, registry

GESPREK_STARTED = AuditAction("gesprek_started", _("Samenwerkingsgesprek started"))
GESPREK_STATUS = AuditAction("gesprek_status", _("Samenwerkingsgesprek status changed"))
ANSWER_CORRECTED = AuditAction(
    "gesprek_answer_corrected", _("Answer in a closed samenwerkingsgesprek corrected")
)
CONFIDENTIAL_REVEALED = AuditAction(
    "gesprek_confidential_revealed", _("Confidential answer shown"), quiet=True
)


def register() -> None:
    from leersteun.reports import GESPREK_REPORT  # the conversation's PDF

    registry.register(
        tabs=[
            Tab(
                key="leersteun",
                label=_("Samenwerkingsgesprek"),
                url_name="leersteun:gesprekken",
                section=Section.LEERSTEUN,
                order=55,
                current_on=("leersteun:*",),
            )
        ],
        audit_actions=[GESPREK_STARTED, GESPREK_STATUS, ANSWER_CORRECTED, CONFIDENTIAL_REVEALED],
        report_kinds=[GESPREK_REPORT],
    )
