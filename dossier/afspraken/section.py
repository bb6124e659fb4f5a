"""What the agreements section tells the core: its tab, its overview card, its audit action."""

from django.utils.translation import gettext_lazy as _

from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
from dossier.afspraken.selectors import afspraken_due, afspraken_linkable, work_for
from dossier.core.access import Section
from dossier.core.registry import (
    AgreementMaker,
    AuditAction,
    Linkable,
    OverviewWidget,
    Tab,
    WorkSource,
    registry,
)

AGREEMENT_APPROVED = AuditAction("agreement_approved", _("Agreement approved"))


def _overview(dossier, access):
    due = afspraken_due(dossier, access)
    return {"agreements_due": due} if due else None


def register() -> None:
    from dossier.afspraken.reports import AFSPRAAK_REPORT  # its PDF

    registry.register(
        report_kinds=[AFSPRAAK_REPORT],
        tabs=[
            Tab(
                key="afspraken",
                label=_("Agreements"),
                url_name="afspraken:afspraken",
                section=Section.AFSPRAKEN,
                order=40,
                current_on=("afspraken:*",),
            )
        ],
        overview_widgets=[
            OverviewWidget(
                key="agreements_due",
                section=Section.AFSPRAKEN,
                template="afspraken/_overview_due.html",
                order=10,
                context=_overview,
            )
        ],
        audit_actions=[AGREEMENT_APPROVED],
        linkables=[Linkable(key="afspraken", label=_("Agreements"), readable=afspraken_linkable)],
        agreement_makers=[AgreementMaker(key="afspraken", make=_draft_between)],
        work_sources=[
            WorkSource(
                key="afspraken",
                section=Section.AFSPRAKEN,
                order=30,
                collect=work_for,
                watch=(
                    (Samenwerkingsafspraak, "dossier_id"),
                    (AfspraakVersie, "afspraak.dossier_id"),
                    (AfspraakPartij, "versie.afspraak.dossier_id"),
                ),
            )
        ],
    )
    # the agreements' chapter of the yearly report
    from dossier.afspraken.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the agreements' part of the dossier export
    from dossier.afspraken.export import PART as EXPORT_PART

    registry.register(export_parts=[EXPORT_PART])


def _draft_between(**kwargs):
    # the services import this module (its audit action), so they are imported when called
    from dossier.afspraken.services import afspraak_draft_between

    return afspraak_draft_between(**kwargs)
