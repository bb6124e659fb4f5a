"""The need-to-know table and the names the rules are written in.

Nothing here touches the database: the table is read by the SQL form (``queries``) and by the
Python form (``DossierAccess``) alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accounts.roles import OrganisationKind

SCHOOL = OrganisationKind.SCHOOL
CLB = OrganisationKind.CLB
PBD = OrganisationKind.PBD
LSC = OrganisationKind.LSC
ALL_SIDES = frozenset({SCHOOL, CLB, PBD, LSC})
# The order in which a person's sides are tried when they act on behalf of an organisation:
# someone on the school's side and a partner's writes for the school.
SIDE_ORDER = (SCHOOL, CLB, PBD, LSC)

# Grant levels, stored as guardian permissions on the dossier.
PERM_VIEW = "view_dossier"
PERM_CONTRIBUTE = "contribute_dossier"
PERM_MANAGE = "manage_access"


class Section(StrEnum):
    OVERZICHT = "overzicht"
    SIGNALEN = "signalen"
    CONSULTATIES = "consultaties"
    DOCUMENTEN = "documenten"
    AFSPRAKEN = "afspraken"
    OVERLEG = "overleg"
    LEERSTEUN = "leersteun"
    TOEGANG = "toegang"


@dataclass(frozen=True)
class SectionRule:
    reads: frozenset[str]
    writes: frozenset[str]
    # Only people who manage access on the dossier (toegangsbeheer and the audit log).
    managers_only: bool = False


# The need-to-know table. Sections whose audience is set per object (documents, agreements)
# open here to every side that can ever be in that audience; ``audience_q`` and
# ``DossierAccess.can_read_item`` narrow it to the item.
SECTION_RULES: dict[Section, SectionRule] = {
    # the dossier's front page: partners, people with access, recent activity
    Section.OVERZICHT: SectionRule(reads=ALL_SIDES, writes=frozenset()),
    # signalen and their aanvullingen
    Section.SIGNALEN: SectionRule(
        reads=frozenset({SCHOOL, CLB, PBD}), writes=frozenset({SCHOOL, CLB})
    ),
    # consultaties: the CLB writes notes (NOTE_WRITERS), the school adds remarks
    Section.CONSULTATIES: SectionRule(
        reads=frozenset({SCHOOL, CLB}), writes=frozenset({SCHOOL, CLB})
    ),
    # gedeelde documenten: per document audience (school + CLB by default)
    Section.DOCUMENTEN: SectionRule(reads=ALL_SIDES, writes=ALL_SIDES),
    # samenwerkingsafspraken: the partners each agreement binds
    Section.AFSPRAKEN: SectionRule(reads=ALL_SIDES, writes=ALL_SIDES),
    # structureel overleg: the school records meetings; per meeting, the partner who keeps the
    # minutes changes that meeting's record too (DossierAccess.may_edit_meeting)
    Section.OVERLEG: SectionRule(reads=ALL_SIDES, writes=frozenset({SCHOOL})),
    # samenwerkingsgesprek and leersteunvragen: school and LSC; the CLB reads
    Section.LEERSTEUN: SectionRule(
        reads=frozenset({SCHOOL, LSC, CLB}), writes=frozenset({SCHOOL, LSC})
    ),
    # access management and the audit log: the directie and those it delegates to
    Section.TOEGANG: SectionRule(
        reads=frozenset({SCHOOL}), writes=frozenset({SCHOOL}), managers_only=True
    ),
}

# Sections whose items each have their own audience. An event there could name an item the
# reader may not see, so it stays in the audit log and off the dossier's front page.
PER_ITEM_SECTIONS = frozenset({Section.DOCUMENTEN, Section.AFSPRAKEN})

# Of the sides that write consultaties, the ones that write the notes themselves (the others
# add remarks).
NOTE_WRITERS = frozenset({CLB})
