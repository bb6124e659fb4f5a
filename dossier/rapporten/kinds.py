from dataclasses import dataclass

from django.utils.module_loading import import_string

from dossier.core.access import Section
from dossier.rapporten.models import Report


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
