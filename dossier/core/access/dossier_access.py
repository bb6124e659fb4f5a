"""One person's access to one dossier, and every rule that is asked of it.

A ``DossierAccess`` is computed once per request (by ``require_section``, in one query) and
handed to the selectors, the services and the templates. It holds no reference to a model of a
section: the per-item rules read duck-typed attributes of the item they decide on (see the
protocols below), so the sections import this module and never the other way round.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.roles import PARTNER_KINDS
from dossier.core.access.rules import (
    ALL_SIDES,
    NOTE_WRITERS,
    PER_ITEM_SECTIONS,
    SCHOOL,
    SECTION_RULES,
    SIDE_ORDER,
    Section,
)


class HasAudience(Protocol):
    """A document or an agreement: the sides that may see it (the school always is one)."""

    @property
    def audience_sides(self) -> frozenset[str]: ...


class Meeting(Protocol):
    """A structural meeting: the side that keeps its minutes."""

    minutes_keeper: str


class Party(Protocol):
    """A partner bound by one version of an agreement, and its approval."""

    kind: str
    organisation_id: int
    approved_at: datetime.datetime | None


class Authored(Protocol):
    """A supplement to a signal: who wrote it."""

    author_id: int


P = TypeVar("P", bound=Party)


@dataclass(frozen=True)
class DossierAccess:
    """One person's effective access to one dossier, as computed from the flags."""

    read_sides: frozenset[str]
    write_sides: frozenset[str]
    can_manage: bool
    # Whose access to which dossier. An access that does not say (None) acts on nothing.
    user_id: int | None = None
    dossier_id: int | None = None
    school_id: int | None = None
    # (kind, organisation id) of each partner the person works for that serves the school today
    partner_organisations: tuple[tuple[str, int], ...] = ()
    # a member of the school's directie (not a zorgteam member it delegated access to): the
    # dossier export is theirs alone
    is_directie: bool = False

    @classmethod
    def from_flags(
        cls, row, *, user_id: int | None = None, dossier_id: int | None = None, school_id=None
    ) -> DossierAccess:
        if isinstance(row, dict):
            get = row.get
        else:

            def get(name):
                return getattr(row, name, None)

        read, write = set(), set()
        # school side: the directie always, the zorgteam with a grant
        if get("acc_directie") or (get("acc_zorgteam") and get("acc_view")):
            read.add(SCHOOL)
        if get("acc_directie") or (get("acc_zorgteam") and get("acc_contribute")):
            write.add(SCHOOL)
        # partner side: an active partnership with their organisation, and a grant
        for kind in PARTNER_KINDS:
            if get(f"acc_{kind}") and get("acc_view"):
                read.add(kind)
            if get(f"acc_{kind}") and get("acc_contribute"):
                write.add(kind)
        can_manage = bool(get("acc_directie") or (get("acc_zorgteam") and get("acc_manage")))
        partners = tuple(
            (kind, get(f"acc_{kind}_org"))
            for kind in PARTNER_KINDS
            if kind in read and get(f"acc_{kind}_org")
        )
        return cls(
            frozenset(read),
            frozenset(write),
            can_manage,
            user_id=user_id,
            dossier_id=dossier_id,
            school_id=school_id,
            partner_organisations=partners,
            is_directie=bool(get("acc_directie")),
        )

    # --- sections ----------------------------------------------------------------------------

    @property
    def has_any(self) -> bool:
        return bool(self.read_sides)

    def sides(self, section: Section, *, write: bool = False) -> frozenset[str]:
        """The person's sides on which they may read (or, with ``write``, change) ``section``."""
        rule = SECTION_RULES[section]
        if rule.managers_only:
            # the directie, or a zorgteam member to whom it delegated access management
            return frozenset({SCHOOL}) if self.can_manage else frozenset()
        if write:
            return self.write_sides & rule.writes
        return self.read_sides & rule.reads

    def can_read(self, section: Section) -> bool:
        return bool(self.sides(section))

    def can_write(self, section: Section) -> bool:
        return bool(self.sides(section, write=True))

    def readable_sections(self) -> list[Section]:
        return [section for section in Section if self.can_read(section)]

    @property
    def readable_section_names(self) -> set[str]:
        """For templates: ``{% if "signalen" in access.readable_section_names %}``."""
        return {str(section) for section in self.readable_sections()}

    def news_sections(self) -> list[Section]:
        """The sections whose events the person sees on the dossier's front page."""
        return [s for s in self.readable_sections() if s not in PER_ITEM_SECTIONS]

    # --- acting on behalf of an organisation -------------------------------------------------

    def require_actor(self, user, dossier_id: int) -> None:
        """Refuse an access that was computed for someone else, or for another dossier."""
        if self.user_id is None or self.user_id != user.pk or self.dossier_id != dossier_id:
            raise PermissionDenied(_("Your access to this dossier could not be confirmed."))

    def organisation_id(self, side: str) -> int | None:
        """The organisation the person works for on ``side``: the school, or the partner of that
        kind that serves the school today."""
        if side == SCHOOL:
            return self.school_id if SCHOOL in self.read_sides else None
        return dict(self.partner_organisations).get(side)

    def acting_organisation_id(self, section: Section, *, among=ALL_SIDES) -> int | None:
        """The organisation on whose behalf the person writes in ``section`` (the school first),
        or None when they may not write there."""
        sides = self.sides(section, write=True) & among
        for side in SIDE_ORDER:
            if side in sides and self.organisation_id(side):
                return self.organisation_id(side)
        return None

    # --- items with an audience of their own (documents, agreements) -------------------------

    def audience_sides(self, item: HasAudience, *, write: bool = False) -> frozenset[str]:
        """The person's sides in ``item``'s audience (with ``write``: those they write on)."""
        return (self.write_sides if write else self.read_sides) & item.audience_sides

    def can_read_item(self, item: HasAudience) -> bool:
        """The Python form of ``audience_q``: the school sees every item, a partner the items
        whose audience includes it."""
        return bool(self.audience_sides(item))

    def may_write_document(self, document: HasAudience) -> bool:
        """The school and the partners in the document's audience, with contribute access."""
        return bool(self.sides(Section.DOCUMENTEN, write=True) & document.audience_sides)

    # --- samenwerkingsafspraken --------------------------------------------------------------

    def may_draft_agreement(self, party_kinds: Iterable[str]) -> bool:
        """A person drafts only agreements that bind their own side."""
        return bool(self.sides(Section.AFSPRAKEN, write=True) & frozenset(party_kinds))

    def may_change_agreement(self, agreement: HasAudience) -> bool:
        """Only the partners an agreement binds change it (a new version) or its status."""
        return bool(self.sides(Section.AFSPRAKEN, write=True) & agreement.audience_sides)

    def may_approve(self, party: Party) -> bool:
        """A person approves a version for the party of their own side, for the organisation
        they work for, once."""
        return (
            party.approved_at is None
            and party.kind in self.sides(Section.AFSPRAKEN, write=True)
            and party.organisation_id == self.organisation_id(party.kind)
        )

    def parties_to_approve(self, parties: Iterable[P]) -> list[P]:
        return [party for party in parties if self.may_approve(party)]

    # --- structureel overleg -----------------------------------------------------------------

    def may_record_meeting(self) -> bool:
        """The school records a new meeting."""
        return self.can_write(Section.OVERLEG)

    def may_edit_meeting(self, meeting: Meeting) -> bool:
        """The school changes a meeting's record, and so does the partner who keeps its minutes
        (with a contribute grant)."""
        if self.may_record_meeting():
            return True
        keeper = meeting.minutes_keeper
        return (
            self.can_read(Section.OVERLEG)
            and keeper in PARTNER_KINDS
            and keeper in self.write_sides
        )

    # --- consultaties ------------------------------------------------------------------------

    def may_write_notes(self) -> bool:
        """The CLB writes consultation notes."""
        return bool(self.sides(Section.CONSULTATIES, write=True) & NOTE_WRITERS)

    def may_remark(self) -> bool:
        """School and CLB add remarks to a note."""
        return self.can_write(Section.CONSULTATIES)

    # --- signalen ----------------------------------------------------------------------------

    def may_correct_supplement(self, supplement: Authored) -> bool:
        """Only the person who wrote a supplement corrects it, while they may write signals."""
        return (
            self.can_write(Section.SIGNALEN)
            and self.user_id is not None
            and supplement.author_id == self.user_id
        )


NO_ACCESS = DossierAccess(frozenset(), frozenset(), False)
