"""The life of a signal: its statuses and the moves between them, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # just logged; nobody has reacted yet
    NIEUW = "nieuw", _("New")
    # school and CLB are making sense of it (duiding, advies)
    IN_BESPREKING = "in_bespreking", _("Under discussion")
    # agreements or adjustments have been made
    AFSPRAKEN = "afspraken", _("Agreements made")
    # the agreements are being followed up
    OPVOLGING = "opvolging", _("Follow-up")
    # done; can be reopened
    AFGESLOTEN = "afgesloten", _("Closed")


OPEN_STATUSES = (Status.NIEUW, Status.IN_BESPREKING, Status.AFSPRAKEN, Status.OPVOLGING)

# Which statuses a signal may move to from each status, by hand.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NIEUW: frozenset({Status.IN_BESPREKING, Status.AFSPRAKEN, Status.AFGESLOTEN}),
    Status.IN_BESPREKING: frozenset({Status.AFSPRAKEN, Status.OPVOLGING, Status.AFGESLOTEN}),
    Status.AFSPRAKEN: frozenset({Status.IN_BESPREKING, Status.OPVOLGING, Status.AFGESLOTEN}),
    Status.OPVOLGING: frozenset({Status.IN_BESPREKING, Status.AFSPRAKEN, Status.AFGESLOTEN}),
    # reopening brings a closed signal back into discussion
    Status.AFGESLOTEN: frozenset({Status.IN_BESPREKING}),
}

# The order of the story; a supplement only ever moves a signal forward along it.
_RANK = {
    Status.NIEUW: 0,
    Status.IN_BESPREKING: 1,
    Status.AFSPRAKEN: 2,
    Status.OPVOLGING: 3,
    Status.AFGESLOTEN: 4,
}


class Kind(models.TextChoices):
    """The kinds of supplement: the four questions of the seed, and a plain remark."""

    DUIDING = "duiding", _("Duiding")
    ADVIES = "advies", _("Advies")
    AFSPRAAK = "afspraak", _("Afspraak")
    STAND_VAN_ZAKEN = "stand", _("Stand van zaken")
    OPMERKING = "opmerking", _("Remark")


QUESTION = {
    Kind.DUIDING: _("How do we understand this?"),
    Kind.ADVIES: _("What advice did the CLB give?"),
    Kind.AFSPRAAK: _("Which agreements or adjustments do we make?"),
    Kind.STAND_VAN_ZAKEN: _("How does it stand now?"),
}

# Adding a supplement of this kind moves an open signal at least this far. A supplement may
# skip steps the manual table does not allow (a first "stand van zaken" on a new signal moves
# it to follow-up): the story tells where the signal is, and it never moves back.
STATUS_AFTER_SUPPLEMENT = {
    Kind.DUIDING: Status.IN_BESPREKING,
    Kind.ADVIES: Status.IN_BESPREKING,
    Kind.AFSPRAAK: Status.AFSPRAKEN,
    Kind.STAND_VAN_ZAKEN: Status.OPVOLGING,
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def status_after_supplement(current: str, kind: str) -> str | None:
    """The status a new supplement brings an open signal to, or None if it stays."""
    target = STATUS_AFTER_SUPPLEMENT.get(kind)
    if target is None or current == Status.AFGESLOTEN:
        return None
    return target if _RANK[target] > _RANK[current] else None
