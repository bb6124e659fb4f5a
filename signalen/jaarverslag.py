"""The signals' chapter of the jaarverslag (``dossier.rapporten.jaarverslag``): the school
year's signals in figures and charts, then each signal with its story."""

from __future__ import annotations

from collections import Counter

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section
from dossier.core.registry import ReportPart
from samenwerking.charts import bar_chart
from signalen.models import Aanvulling, Gebeurtenis, Signaal
from signalen.trends import follow_up_times, status_over_year
from signalen.workflow import Status


def signals_context(dossier, access, school_year: str) -> dict:
    """Every signal of the school year with its supplements and status changes, and the
    charts: five queries, whatever the number of signals."""
    signalen = list(
        Signaal.objects.filter(dossier=dossier, school_year=school_year)
        .select_related("thema", "bron", "author", "author_organisation")
        .prefetch_related(
            Prefetch(
                "aanvullingen",
                queryset=Aanvulling.objects.select_related("author", "author_organisation"),
            ),
            Prefetch(
                "gebeurtenissen",
                queryset=Gebeurtenis.objects.filter(kind=Gebeurtenis.Kind.STATUS).select_related(
                    "actor"
                ),
            ),
        )
        .order_by("thema__position", "thema__name", "created_at", "pk")
    )
    per_status = Counter(signaal.status for signaal in signalen)
    per_theme = Counter(signaal.thema.name for signaal in signalen)
    themes = bar_chart(
        key="jaarverslag-signal-themes",
        title=_("Signals per theme, %(year)s") % {"year": school_year},
        rows=per_theme.most_common(),
        row_head=_("Theme"),
        value_head=_("Signals"),
        empty_text=_("No signals were logged for this school year."),
    )
    return {
        "signalen": signalen,
        "status_counts": [(status.label, per_status.get(status, 0)) for status in Status],
        "open_count": sum(1 for signaal in signalen if signaal.is_open),
        "supplement_count": sum(len(signaal.aanvullingen.all()) for signaal in signalen),
        "theme_chart": themes,
        "status_chart": status_over_year(dossier, school_year).chart(
            key="jaarverslag-signal-status"
        ),
        "follow_up_chart": follow_up_times(dossier, school_year).chart(
            key="jaarverslag-signal-follow-up"
        ),
    }


PART = ReportPart(
    key="signalen",
    label=gettext_lazy("Signals and their story"),
    section=Section.SIGNALEN,
    order=10,
    template="signalen/reports/jaarverslag.html",
    context=signals_context,
)
