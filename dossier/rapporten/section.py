"""The reports tab, shown to whoever may read at least one registered kind of report."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import AuditAction, Tab, WorkSource, registry
from dossier.rapporten.selectors import work_for

REPORT_DOWNLOADED = AuditAction("report_downloaded", _("Report downloaded"), quiet=True)


def _any_report_readable(access) -> bool:
    return any(access.can_read(kind.section) for kind in registry.dossier_report_kinds().values())


def register() -> None:
    registry.register(
        tabs=[
            Tab(
                key="rapporten",
                label=_("Reports"),
                url_name="rapporten:reports",
                section=Section.OVERZICHT,
                order=60,
                current_on=("rapporten:*",),
                visible=_any_report_readable,
            )
        ],
        audit_actions=[REPORT_DOWNLOADED],
        work_sources=[
            # a report becomes ready by a queryset update: report_generate calls work_changed
            WorkSource(key="rapporten", section=Section.OVERZICHT, order=70, collect=work_for)
        ],
    )
    # the yearly report and the core's own parts of it
    from dossier.rapporten.jaarverslag import JAARVERSLAG, PARTS

    registry.register(report_kinds=[JAARVERSLAG], report_parts=PARTS)
    # the doorlichting: a school's, and a CLB's across its schools
    from dossier.rapporten.doorlichting import DOORLICHTING, DOORLICHTING_CLB, DOORLICHTING_CSV

    registry.register(
        report_kinds=[DOORLICHTING, DOORLICHTING_CLB], audit_actions=[DOORLICHTING_CSV]
    )
    # the dossier export: the directie's ZIP of everything it reads
    from dossier.rapporten.export import EXPORT

    registry.register(report_kinds=[EXPORT])
