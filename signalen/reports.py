"""The signalenoverzicht: every signal of one school year, with its supplements, as a PDF."""

from collections import Counter

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from samenwerking.schoolyear import validate_school_year
from signalen.models import Aanvulling, Gebeurtenis, Signaal
from signalen.workflow import Status


def theme_chart_svg(
    counts: list[tuple[str, int]], *, width: int = 640, bar_height: int = 18, title: str = ""
) -> str:
    """A small horizontal bar chart of signals per theme, as inline SVG (no network, no JS).

    ``title`` becomes the SVG's <title>: the figure's text alternative in a tagged PDF."""
    if not counts:
        return ""
    label_width, gap, top = 300, 8, 4
    peak = max(count for _name, count in counts)
    usable = width - label_width - 40
    rows = []
    for index, (name, count) in enumerate(counts):
        # a label that would not fit beside the bars is shortened, never clipped at the margin
        name = name if len(name) <= 46 else name[:45].rstrip() + "…"
        y = top + index * (bar_height + gap)
        length = max(2, round(usable * count / peak))
        rows.append(
            f'<text x="{label_width - 8}" y="{y + bar_height - 5}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" rx="3" fill="#1f5f8b"/>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height - 5}">{count}</text>'
        )
    height = top * 2 + len(counts) * (bar_height + gap)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11" '
        f'fill="#1b2430" role="img">'
        + (f"<title>{escape(title)}</title>" if title else "")
        + f"{''.join(rows)}</svg>"
    )


def build_signalenoverzicht(report):
    validate_school_year(report.school_year)
    signalen = list(
        Signaal.objects.filter(dossier=report.dossier, school_year=report.school_year)
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
        .order_by("thema__position", "thema__name", "created_at")
    )
    per_theme = Counter(signaal.thema.name for signaal in signalen)
    per_status = Counter(signaal.status for signaal in signalen)
    return "signalen/reports/signalenoverzicht.html", {
        "report": report,
        "school": report.dossier.school,
        "signalen": signalen,
        "chart": theme_chart_svg(
            per_theme.most_common(),
            # the chart's numbers, for a screen reader (PDF/UA)
            title=gettext("Signals per theme: %(counts)s")
            % {"counts": "; ".join(f"{name} {count}" for name, count in per_theme.most_common())},
        ),
        "status_counts": [(status.label, per_status.get(status, 0)) for status in Status],
        "supplement_count": sum(len(s.aanvullingen.all()) for s in signalen),
        "generated_at": timezone.localtime(),
    }
