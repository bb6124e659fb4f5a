"""The life of a leersteunvraag: its statuses and the moves between them, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # registered by the school (or by the LSC for it); nobody has looked at it yet
    AANGEMELD = "aangemeld", _("Registered")
    # the LSC lays the filters on it with the school's contact person
    IN_SCREENING = "in_screening", _("In screening")
    # it may start, but the LSC has no room yet
    WACHTLIJST = "wachtlijst", _("Waiting list")
    # an ondersteuner works on it (alone, or within a cluster)
    OPGESTART = "opgestart", _("Started")
    # paused, by agreement
    ON_HOLD = "on_hold", _("On hold")
    # done
    AFGEROND = "afgerond", _("Rounded off")
    # the LSC decided not to start it, and said why
    NIET_OPGESTART = "niet_opgestart", _("Not started")


# The statuses in which a question counts as open (on the list of work, in the figures).
OPEN_STATUSES = (
    Status.AANGEMELD,
    Status.IN_SCREENING,
    Status.WACHTLIJST,
    Status.OPGESTART,
    Status.ON_HOLD,
)
# The statuses in which a question takes an ondersteuner's hours.
RUNNING_STATUSES = (Status.OPGESTART,)

# Which statuses a question may move to from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.AANGEMELD: frozenset({Status.IN_SCREENING, Status.NIET_OPGESTART}),
    # the decision after screening: start, wait, or not start
    Status.IN_SCREENING: frozenset({Status.WACHTLIJST, Status.OPGESTART, Status.NIET_OPGESTART}),
    Status.WACHTLIJST: frozenset({Status.OPGESTART, Status.NIET_OPGESTART, Status.IN_SCREENING}),
    Status.OPGESTART: frozenset({Status.ON_HOLD, Status.AFGEROND}),
    Status.ON_HOLD: frozenset({Status.OPGESTART, Status.AFGEROND}),
    Status.AFGEROND: frozenset(),
    # a question not started can be screened again when the situation changed
    Status.NIET_OPGESTART: frozenset({Status.IN_SCREENING}),
}

# Moves that need a reason the school reads.
NEEDS_REASON = frozenset({Status.NIET_OPGESTART, Status.ON_HOLD})
# The decisions the school is told of.
DECISIONS = frozenset({Status.WACHTLIJST, Status.OPGESTART, Status.NIET_OPGESTART})


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
