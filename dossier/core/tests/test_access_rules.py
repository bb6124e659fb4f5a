"""Every rule of the access module, once, as a table: side x grant level x item -> allowed.

The rules are methods of ``DossierAccess`` and need no database: each person is built from the
flags the access query returns (``from_flags``), exactly as ``require_section`` builds it. The
SQL forms (``section_q``, ``audience_q``) are held equal to these in test_access_ends and
tests/test_audience_q.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied

from dossier.core.access import (
    CLB,
    LSC,
    NO_ACCESS,
    PBD,
    SCHOOL,
    DossierAccess,
    Section,
)

USER, OTHER_USER = 7, 8
DOSSIER, OTHER_DOSSIER = 11, 12
SCHOOL_ID = 100
# the partner of each kind that serves the school, and one that does not
ORG = {SCHOOL: SCHOOL_ID, CLB: 201, PBD: 202, LSC: 203}
OTHER_CLB = 299

# --- the people: one per side and grant level -------------------------------------------------

PEOPLE: dict[str, dict] = {
    # the school's directie: no grant needed, manages access
    "directie": {"acc_directie": True},
    # a zorgteam member with a read grant, a contribute grant, a delegated manage right
    "zorg_view": {"acc_zorgteam": True, "acc_view": True},
    "zorg_contribute": {"acc_zorgteam": True, "acc_view": True, "acc_contribute": True},
    "zorg_manage": {"acc_zorgteam": True, "acc_view": True, "acc_manage": True},
    # a leerkracht with a grant written past the service: not on the school's side
    "leerkracht_grant": {"acc_view": True, "acc_contribute": True},
    # staff of a partner that serves the school, with a grant of either level
    **{
        f"{kind}_{level}": {
            f"acc_{kind}": True,
            f"acc_{kind}_org": ORG[kind],
            "acc_view": True,
            "acc_contribute": level == "contribute",
        }
        for kind in (CLB, PBD, LSC)
        for level in ("view", "contribute")
    },
    # partner staff with a partnership but no grant
    "clb_no_grant": {"acc_clb": True, "acc_clb_org": ORG[CLB]},
}


def person(name: str) -> DossierAccess:
    return DossierAccess.from_flags(
        PEOPLE[name], user_id=USER, dossier_id=DOSSIER, school_id=SCHOOL_ID
    )


# --- the items: duck-typed, as the access module sees them -------------------------------------


@dataclass
class Item:
    """A document or an agreement: its audience (the school is always in it)."""

    audience_sides: frozenset[str]


@dataclass
class Meeting:
    minutes_keeper: str


@dataclass
class Party:
    kind: str
    organisation_id: int
    approved_at: datetime.datetime | None = None


@dataclass
class Supplement:
    author_id: int


@dataclass
class Actor:
    pk: int


AUDIENCES = {
    "school": frozenset({SCHOOL}),
    "school+clb": frozenset({SCHOOL, CLB}),
    "school+pbd": frozenset({SCHOOL, PBD}),
    "school+lsc": frozenset({SCHOOL, LSC}),
    "all": frozenset({SCHOOL, CLB, PBD, LSC}),
}

# --- sections: the need-to-know table ----------------------------------------------------------

ALL = set(Section)
PER_SIDE_READS = {
    "school": ALL - {Section.TOEGANG},
    CLB: ALL - {Section.TOEGANG},
    PBD: {
        Section.OVERZICHT,
        Section.SIGNALEN,
        Section.DOCUMENTEN,
        Section.AFSPRAKEN,
        Section.OVERLEG,
    },
    LSC: {
        Section.OVERZICHT,
        Section.DOCUMENTEN,
        Section.AFSPRAKEN,
        Section.OVERLEG,
        Section.LEERSTEUN,
    },
}
SCHOOL_WRITES = ALL - {Section.OVERZICHT, Section.TOEGANG}
SECTIONS = {
    # person: (sections read, sections written)
    "directie": (ALL, SCHOOL_WRITES | {Section.TOEGANG}),
    "zorg_view": (PER_SIDE_READS["school"], set()),
    "zorg_contribute": (PER_SIDE_READS["school"], SCHOOL_WRITES),
    "zorg_manage": (ALL, {Section.TOEGANG}),
    "leerkracht_grant": (set(), set()),
    "clb_view": (PER_SIDE_READS[CLB], set()),
    "clb_contribute": (
        PER_SIDE_READS[CLB],
        {Section.SIGNALEN, Section.CONSULTATIES, Section.DOCUMENTEN, Section.AFSPRAKEN},
    ),
    "pbd_view": (PER_SIDE_READS[PBD], set()),
    "pbd_contribute": (PER_SIDE_READS[PBD], {Section.DOCUMENTEN, Section.AFSPRAKEN}),
    "lsc_view": (PER_SIDE_READS[LSC], set()),
    "lsc_contribute": (
        PER_SIDE_READS[LSC],
        {Section.DOCUMENTEN, Section.AFSPRAKEN, Section.LEERSTEUN},
    ),
    "clb_no_grant": (set(), set()),
}


def test_every_person_of_the_tables_is_in_the_section_table():
    assert set(SECTIONS) == set(PEOPLE)


@pytest.mark.parametrize("name", SECTIONS)
def test_sections_read_and_written(name):
    access = person(name)
    reads, writes = SECTIONS[name]
    assert {s for s in Section if access.can_read(s)} == reads
    assert {s for s in Section if access.can_write(s)} == writes
    assert access.readable_section_names == {str(s) for s in reads}


@pytest.mark.parametrize("name", SECTIONS)
def test_news_leaves_out_the_sections_whose_items_have_their_own_audience(name):
    reads, _writes = SECTIONS[name]
    assert set(person(name).news_sections()) == reads - {Section.DOCUMENTEN, Section.AFSPRAKEN}


# --- documents and agreements: per item audience -------------------------------------------------

# person: the audiences in which they (read, write a document, change an agreement)
EVERY = set(AUDIENCES)
ITEMS = {
    "directie": (EVERY, EVERY, EVERY),
    "zorg_view": (EVERY, set(), set()),
    "zorg_contribute": (EVERY, EVERY, EVERY),
    "leerkracht_grant": (set(), set(), set()),
    "clb_view": ({"school+clb", "all"}, set(), set()),
    "clb_contribute": ({"school+clb", "all"},) * 3,
    "pbd_view": ({"school+pbd", "all"}, set(), set()),
    "pbd_contribute": ({"school+pbd", "all"},) * 3,
    "lsc_view": ({"school+lsc", "all"}, set(), set()),
    "lsc_contribute": ({"school+lsc", "all"},) * 3,
    "clb_no_grant": (set(), set(), set()),
}


@pytest.mark.parametrize("name", ITEMS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_items_read_and_written_by_audience(name, audience):
    access = person(name)
    item = Item(AUDIENCES[audience])
    reads, documents, agreements = ITEMS[name]
    assert access.can_read_item(item) is (audience in reads)
    assert access.may_write_document(item) is (audience in documents)
    assert access.may_change_agreement(item) is (audience in agreements)


@pytest.mark.parametrize(
    ("name", "parties", "allowed"),
    [
        ("zorg_contribute", {SCHOOL, CLB}, True),
        ("zorg_view", {SCHOOL, CLB}, False),
        ("clb_contribute", {SCHOOL, CLB}, True),
        ("clb_contribute", {SCHOOL, PBD}, False),  # only agreements that bind one's own side
        ("clb_view", {SCHOOL, CLB}, False),
        ("pbd_contribute", {SCHOOL, PBD, LSC}, True),
        ("lsc_contribute", {SCHOOL, CLB}, False),
    ],
)
def test_drafting_an_agreement(name, parties, allowed):
    assert person(name).may_draft_agreement(parties) is allowed


NOW = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("name", "party", "allowed"),
    [
        ("directie", Party(SCHOOL, SCHOOL_ID), True),
        ("zorg_contribute", Party(SCHOOL, SCHOOL_ID), True),
        ("zorg_view", Party(SCHOOL, SCHOOL_ID), False),  # a read grant approves nothing
        ("zorg_contribute", Party(CLB, ORG[CLB]), False),  # only for one's own side
        ("clb_contribute", Party(CLB, ORG[CLB]), True),
        ("clb_contribute", Party(SCHOOL, SCHOOL_ID), False),
        ("clb_contribute", Party(CLB, OTHER_CLB), False),  # the school's earlier CLB
        ("clb_contribute", Party(CLB, ORG[CLB], approved_at=NOW), False),  # approved once
        ("clb_view", Party(CLB, ORG[CLB]), False),
        ("pbd_contribute", Party(PBD, ORG[PBD]), True),
        ("lsc_contribute", Party(LSC, ORG[LSC]), True),
        ("lsc_contribute", Party(PBD, ORG[PBD]), False),
    ],
)
def test_approving_an_agreement_version(name, party, allowed):
    access = person(name)
    assert access.may_approve(party) is allowed
    other = Party(PBD, ORG[PBD], approved_at=NOW)
    assert access.parties_to_approve([party, other]) == ([party] if allowed else [])


# --- structureel overleg: the school, and the partner who keeps the minutes ---------------------

KEEPERS = (SCHOOL, CLB, PBD, LSC)
MEETINGS = {
    # person: (may record a new meeting, the minutes keepers whose meetings they may edit)
    "directie": (True, set(KEEPERS)),
    "zorg_contribute": (True, set(KEEPERS)),
    "zorg_view": (False, set()),
    "clb_contribute": (False, {CLB}),
    "clb_view": (False, set()),  # keeping the minutes needs a contribute grant
    "pbd_contribute": (False, {PBD}),
    "lsc_contribute": (False, {LSC}),
    "lsc_view": (False, set()),
    "clb_no_grant": (False, set()),
}


@pytest.mark.parametrize("name", MEETINGS)
@pytest.mark.parametrize("keeper", KEEPERS)
def test_meetings_recorded_and_edited(name, keeper):
    access = person(name)
    may_record, keeps = MEETINGS[name]
    assert access.may_record_meeting() is may_record
    assert access.may_edit_meeting(Meeting(keeper)) is (keeper in keeps)


# --- consultaties: the CLB writes notes, school and CLB remark ----------------------------------

NOTES = {
    # person: (may write notes, may remark)
    "directie": (False, True),
    "zorg_contribute": (False, True),
    "zorg_view": (False, False),
    "clb_contribute": (True, True),
    "clb_view": (False, False),
    "pbd_contribute": (False, False),
    "lsc_contribute": (False, False),
}


@pytest.mark.parametrize("name", NOTES)
def test_notes_written_and_remarked(name):
    access = person(name)
    writes, remarks = NOTES[name]
    assert access.may_write_notes() is writes
    assert access.may_remark() is remarks


# --- signalen: only its author corrects a supplement ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "author", "allowed"),
    [
        ("zorg_contribute", USER, True),
        ("zorg_contribute", OTHER_USER, False),
        ("clb_contribute", USER, True),
        ("clb_view", USER, False),  # the author, but no longer with a contribute grant
        ("pbd_contribute", USER, False),  # the PBD never writes signals
    ],
)
def test_correcting_a_supplement(name, author, allowed):
    assert person(name).may_correct_supplement(Supplement(author)) is allowed


# --- acting on behalf of an organisation -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "section", "organisation"),
    [
        ("directie", Section.SIGNALEN, SCHOOL_ID),
        ("zorg_contribute", Section.CONSULTATIES, SCHOOL_ID),
        ("zorg_view", Section.SIGNALEN, None),
        ("clb_contribute", Section.SIGNALEN, ORG[CLB]),
        ("clb_contribute", Section.CONSULTATIES, ORG[CLB]),
        ("clb_view", Section.SIGNALEN, None),
        ("pbd_contribute", Section.SIGNALEN, None),
        ("pbd_contribute", Section.DOCUMENTEN, ORG[PBD]),
        ("lsc_contribute", Section.LEERSTEUN, ORG[LSC]),
    ],
)
def test_the_organisation_a_person_writes_for(name, section, organisation):
    assert person(name).acting_organisation_id(section) == organisation


def test_the_organisation_of_a_side_is_known_only_on_the_persons_own_sides():
    access = person("clb_view")
    assert access.organisation_id(CLB) == ORG[CLB]
    assert access.organisation_id(SCHOOL) is None
    assert access.organisation_id(PBD) is None
    assert person("zorg_view").organisation_id(SCHOOL) == SCHOOL_ID


@pytest.mark.parametrize(
    ("access", "actor", "dossier"),
    [
        (person("directie"), Actor(OTHER_USER), DOSSIER),  # someone else's access
        (person("directie"), Actor(USER), OTHER_DOSSIER),  # another dossier's
        (NO_ACCESS, Actor(USER), DOSSIER),  # an access that says for whom it is not
        (DossierAccess.from_flags(PEOPLE["directie"]), Actor(USER), DOSSIER),
    ],
)
def test_an_access_acts_only_for_its_own_person_and_dossier(access, actor, dossier):
    with pytest.raises(PermissionDenied):
        access.require_actor(actor, dossier)


def test_an_access_acts_for_its_own_person_and_dossier():
    person("directie").require_actor(Actor(USER), DOSSIER)
