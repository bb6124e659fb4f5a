"""What each kind of report needs: the section that may read it, and the function that builds it.

A builder takes a Report and returns (template name, context) for the PDF.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from dossier.models import Report
from samenwerking.access import Section


@dataclass(frozen=True)
class ReportKind:
    section: Section
    builder: str
    filename: str

    def build(self, report):
        return import_string(self.builder)(report)


REPORT_KINDS: dict[str, ReportKind] = {
    Report.Kind.SIGNALENOVERZICHT: ReportKind(
        section=Section.SIGNALEN,
        builder="signalen.reports.build_signalenoverzicht",
        filename="signalenoverzicht",
    ),
}
