"""The core's own tabs and audit actions, registered like a section's."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.models import AuditEvent
from dossier.core.registry import AuditAction, Tab, registry


def register() -> None:
    registry.register(
        tabs=[
            Tab(
                key="overzicht",
                label=_("Overview"),
                url_name="dossier:overview",
                section=Section.OVERZICHT,
                order=0,
            ),
            Tab(
                key="toegang",
                label=_("Access management"),
                url_name="dossier:toegangsbeheer",
                section=Section.TOEGANG,
                order=90,
                current_on=("dossier:toegangsbeheer", "dossier:memberships_pending"),
            ),
            Tab(
                key="auditlog",
                label=_("Audit log"),
                url_name="dossier:auditlog",
                section=Section.TOEGANG,
                order=91,
            ),
        ],
        audit_actions=[
            AuditAction(
                action.value, action.label, quiet=action == AuditEvent.Action.AUDIT_EXPORTED
            )
            for action in AuditEvent.Action
        ],
    )
