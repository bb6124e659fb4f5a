"""What the structural meeting section tells the core: its tab and its part of the
werkoverzicht."""

from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section
from dossier.core.registry import Tab, WorkSource, registry
from dossier.overleg.models import StructureelOverleg
from dossier.overleg.selectors import work_for


def register() -> None:
    from dossier.overleg.reports import OVERLEG_REPORT  # its PDF

    registry.register(
        report_kinds=[OVERLEG_REPORT],
        tabs=[
            Tab(
                key="overleg",
                label=_("Structural meeting"),
                url_name="overleg:overleggen",
                section=Section.OVERLEG,
                order=50,
                current_on=("overleg:*",),
            )
        ],
        work_sources=[
            WorkSource(
                key="overleg",
                section=Section.OVERLEG,
                order=50,
                collect=work_for,
                watch=((StructureelOverleg, "dossier_id"),),
            )
        ],
    )
    # the structural meetings' chapter of the yearly report
    from dossier.overleg.jaarverslag import PART as JAARVERSLAG_PART

    registry.register(report_parts=[JAARVERSLAG_PART])
    # the structural meetings' part of the dossier export
    from dossier.overleg.export import PART as EXPORT_PART

    registry.register(export_parts=[EXPORT_PART])
