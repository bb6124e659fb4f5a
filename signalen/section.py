"""What the signals section tells the core: its tab, report, retention, search and overview card."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import (
    OverviewWidget,
    ReportKind,
    RetentionType,
    SearchHit,
    SearchProvider,
    SearchResults,
    Tab,
    WorkSource,
    registry,
)
from samenwerking.search import highlight, mark_terms
from signalen.models import Aanvulling, Signaal
from signalen.reports import build_signalenoverzicht
from signalen.selectors import recent_signals, search_signals, work_for

SIGNALENOVERZICHT = ReportKind(
    key="signalenoverzicht",
    label=_("Signals overview"),
    section=Section.SIGNALEN,
    build=build_signalenoverzicht,
    filename="signalenoverzicht",
    pdf_variant="pdf/ua-1",  # tagged and accessible, as every report
)


def _search(user, query: str) -> SearchResults:
    signalen = search_signals(user, query)
    return SearchResults(
        hits=[_hit(signaal, query, signalen.terms) for signaal in signalen],
        count=signalen.count,
        more=signalen.more,
    )


def _hit(signaal, query: str, terms) -> SearchHit:
    return SearchHit(
        kind="signaal",
        kind_label=_("Signal"),
        rank=signaal.rank,
        title=signaal.title,
        school=signaal.dossier.school.name,
        excerpt=highlight(signaal.search_text, query, terms=terms),
        url=reverse("signalen:detail", kwargs={"pk": signaal.dossier_id, "signaal_pk": signaal.pk}),
        themes=[mark_terms(signaal.thema.name, query, terms=terms)],
    )


def _overview(dossier, access):
    return {"recent_signals": recent_signals(dossier)}


def register() -> None:
    registry.register(
        tabs=[
            Tab(
                key="signalen",
                label=_("Signals"),
                url_name="signalen:list",
                section=Section.SIGNALEN,
                order=10,
                current_on=("signalen:*",),
            )
        ],
        report_kinds=[SIGNALENOVERZICHT],
        retention_types=[RetentionType(key="signaal", label=_("Signals"), model=Signaal)],
        search_providers=[
            SearchProvider(
                key="signalen", label=_("Signals"), section=Section.SIGNALEN, search=_search
            )
        ],
        overview_widgets=[
            OverviewWidget(
                key="recent_signals",
                section=Section.SIGNALEN,
                template="signalen/_overview_recent.html",
                order=20,
                context=_overview,
            )
        ],
        work_sources=[
            WorkSource(
                key="signalen",
                section=Section.SIGNALEN,
                order=10,
                collect=work_for,
                watch=((Signaal, "dossier_id"), (Aanvulling, "signaal.dossier_id")),
            )
        ],
    )
    # the signals' chapter of the yearly report
    from signalen.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the signals' part of the doorlichting
    from signalen.doorlichting import PART as DOORLICHTING_PART

    registry.register(doorlichting_parts=[DOORLICHTING_PART])
    # the signals' part of the dossier export
    from signalen.export import PART as EXPORT_PART

    registry.register(export_parts=[EXPORT_PART])
