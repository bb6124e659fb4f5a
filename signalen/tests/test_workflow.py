"""The workflow table and the automatic moves of a supplement (no database needed)."""

import itertools

import pytest

from signalen.workflow import (
    OPEN_STATUSES,
    TRANSITIONS,
    Kind,
    Status,
    can_move,
    status_after_supplement,
)

# nieuw, in bespreking, afspraken, follow-up (opvolging), closed (afgesloten)
N, B, A, F, C = (
    Status.NIEUW,
    Status.IN_BESPREKING,
    Status.AFSPRAKEN,
    Status.OPVOLGING,
    Status.AFGESLOTEN,
)

# The moves by hand, written out once more so a change to the table is a deliberate one.
ALLOWED = {
    (N, B),
    (N, A),
    (N, C),
    (B, A),
    (B, F),
    (B, C),
    (A, B),
    (A, F),
    (A, C),
    (F, B),
    (F, A),
    (F, C),
    (C, B),
}
ALL_PAIRS = set(itertools.product(Status, repeat=2))


def test_every_status_has_a_row():
    assert set(TRANSITIONS) == set(Status)


def test_the_table_is_exactly_the_allowed_moves():
    table = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_move(current, target):
    assert can_move(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(ALL_PAIRS - ALLOWED))
def test_refused_move(current, target):
    assert not can_move(current, target)


@pytest.mark.parametrize("status", list(Status))
def test_no_status_moves_to_itself(status):
    assert not can_move(status, status)


def test_a_new_signal_cannot_skip_to_follow_up():
    assert not can_move(N, F)


def test_nothing_goes_back_to_new():
    assert all(not can_move(status, N) for status in Status)


def test_closed_can_be_reopened_only_into_discussion():
    assert TRANSITIONS[C] == {B}
    assert [target for target in Status if can_move(C, target)] == [B]


def test_open_statuses_are_all_but_closed():
    assert set(OPEN_STATUSES) == set(Status) - {C}


def test_every_open_status_can_be_closed():
    assert all(can_move(status, C) for status in OPEN_STATUSES)


# --- status_after_supplement ---------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.DUIDING, Kind.ADVIES])
def test_duiding_or_advies_on_a_new_signal_brings_it_into_discussion(kind):
    assert status_after_supplement(N, kind) == B


@pytest.mark.parametrize("current", [N, B])
def test_an_afspraak_moves_forward_to_afspraken(current):
    assert status_after_supplement(current, Kind.AFSPRAAK) == A


@pytest.mark.parametrize("current", [N, B, A])
def test_a_stand_van_zaken_moves_forward_to_follow_up(current):
    assert status_after_supplement(current, Kind.STAND_VAN_ZAKEN) == F


@pytest.mark.parametrize(
    ("current", "kind"),
    [
        # already there
        (B, Kind.DUIDING),
        (B, Kind.ADVIES),
        (A, Kind.AFSPRAAK),
        (F, Kind.STAND_VAN_ZAKEN),
        # would be backward
        (A, Kind.DUIDING),
        (A, Kind.ADVIES),
        (F, Kind.DUIDING),
        (F, Kind.ADVIES),
        (F, Kind.AFSPRAAK),
    ],
)
def test_a_supplement_never_moves_a_signal_backward_or_sideways(current, kind):
    assert status_after_supplement(current, kind) is None


@pytest.mark.parametrize("current", list(Status))
def test_a_remark_never_moves_a_signal(current):
    assert status_after_supplement(current, Kind.OPMERKING) is None


@pytest.mark.parametrize("kind", list(Kind))
def test_closed_stays_closed(kind):
    assert status_after_supplement(C, kind) is None


@pytest.mark.parametrize(("current", "kind"), list(itertools.product(Status, Kind)))
def test_a_supplement_only_ever_moves_forward_along_the_story(current, kind):
    order = [N, B, A, F, C]
    target = status_after_supplement(current, kind)
    assert target is None or order.index(target) > order.index(current)
    # and never closes a signal by itself
    assert target != C
