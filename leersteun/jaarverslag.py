"""The leersteun chapter of the jaarverslag (``dossier.rapporten.jaarverslag``): the
samenwerkingsgesprek and the leersteunvragen of the school year, in figures only.

School, LSC and CLB read it (``Section.LEERSTEUN``). Figures hold no answer of a conversation
(so none of its confidential site facts) and no question's content.
"""

from __future__ import annotations

import statistics
from collections import Counter

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section
from dossier.core.registry import ReportPart
from leersteun.models import Gesprek, GesprekAfspraak, Leersteunvraag, VraagGebeurtenis
from leersteun.workflow import DECISIONS, OPEN_STATUSES, Status
from samenwerking.charts import bar_chart

DOMAINS = (
    ("domain_inclusie", gettext_lazy("inclusion")),
    ("domain_onderwijskunde", gettext_lazy("educational science")),
    ("domain_coaching", gettext_lazy("coaching")),
    ("domain_doelgroep", gettext_lazy("target-group expertise")),
)


def _gesprekken(dossier, school_year: str) -> list[dict]:
    """This year's conversations with how many agreements each made and how last year's
    were evaluated in it: three queries."""
    gesprekken = list(
        Gesprek.objects.filter(dossier=dossier, school_year=school_year)
        .select_related("lsc")
        .order_by("lsc__name")
    )
    ids = [gesprek.pk for gesprek in gesprekken]
    made = dict(
        GesprekAfspraak.objects.filter(gesprek_id__in=ids)
        .values("gesprek_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("gesprek_id", "n")
    )
    outcomes: dict[int, Counter] = {gesprek_id: Counter() for gesprek_id in ids}
    for gesprek_id, outcome, n in (
        GesprekAfspraak.objects.filter(evaluated_in_id__in=ids)
        .values("evaluated_in_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("evaluated_in_id", "outcome", "n")
    ):
        outcomes[gesprek_id][outcome] = n
    return [
        {
            "gesprek": gesprek,
            "agreements": made.get(gesprek.pk, 0),
            "evaluated": [
                (outcome.label, outcomes[gesprek.pk].get(outcome, 0))
                for outcome in GesprekAfspraak.Outcome
            ],
            "evaluated_count": sum(outcomes[gesprek.pk].values()),
        }
        for gesprek in gesprekken
    ]


def leersteun_context(dossier, access, school_year: str) -> dict:
    """The conversations and the questions of the school year in figures: five queries."""
    vragen = list(
        Leersteunvraag.objects.filter(dossier=dossier, school_year=school_year)
        .order_by()
        .annotate(
            decided=Min(
                "gebeurtenissen__created_at",
                filter=Q(
                    gebeurtenissen__kind=VraagGebeurtenis.Kind.STATUS,
                    gebeurtenissen__to_status__in=list(DECISIONS),
                ),
            )
        )
        .values("status", "level", "verslag", "created_at", "decided", *(f for f, _l in DOMAINS))
    )
    per_status = Counter(vraag["status"] for vraag in vragen)
    per_level = Counter(vraag["level"] for vraag in vragen)
    per_verslag = Counter(vraag["verslag"] for vraag in vragen)
    days = [
        max(0.0, (vraag["decided"] - vraag["created_at"]).total_seconds() / 86400)
        for vraag in vragen
        if vraag["decided"] is not None
    ]
    status_chart = bar_chart(
        key="jaarverslag-leersteunvragen",
        title=_("Leersteunvragen by status, %(year)s") % {"year": school_year},
        rows=[
            (str(status.label), per_status[status]) for status in Status if per_status.get(status)
        ],
        row_head=_("Status"),
        value_head=_("Leersteunvragen"),
        colour="#b35900",
        empty_text=_("No leersteunvragen in this school year."),
    )
    return {
        "gesprekken": _gesprekken(dossier, school_year),
        "vraag_count": len(vragen),
        "open_count": sum(1 for vraag in vragen if vraag["status"] in OPEN_STATUSES),
        "status_chart": status_chart,
        "levels": [
            (level.label, per_level[level])
            for level in Leersteunvraag.Level
            if per_level.get(level)
        ],
        "verslagen": [
            (verslag.label, per_verslag[verslag])
            for verslag in Leersteunvraag.Verslag
            if per_verslag.get(verslag)
        ],
        "domains": [(label, sum(1 for vraag in vragen if vraag[flag])) for flag, label in DOMAINS],
        "decided_count": len(days),
        "median_days_to_decision": round(statistics.median(days)) if days else None,
    }


PART = ReportPart(
    key="leersteun",
    label=gettext_lazy("Samenwerkingsgesprek and leersteunvragen in figures"),
    section=Section.LEERSTEUN,
    order=50,
    template="leersteun/reports/jaarverslag.html",
    context=leersteun_context,
)
