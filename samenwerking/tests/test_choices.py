"""The faster ``get_<field>_display()`` of our models (samenwerking/choices.py)."""

from functools import partialmethod

from django.utils import translation

from accounts.models import Membership, MembershipStatus, Organisation
from accounts.roles import OrganisationKind
from samenwerking.choices import _display


def test_our_models_use_the_faster_display():
    method = Membership.__dict__["get_role_display"]

    assert isinstance(method, partialmethod)
    assert method.func is _display


def test_the_label_is_translated_into_the_language_of_the_moment():
    membership = Membership(status=MembershipStatus.PENDING)

    with translation.override("en"):
        assert membership.get_status_display() == "Awaiting confirmation"
    with translation.override("nl-be"):
        assert membership.get_status_display() == "Wacht op bevestiging"
    with translation.override("en"):  # the labels kept per process stay lazy
        assert membership.get_status_display() == "Awaiting confirmation"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    membership = Membership(role="no-such-role")
    organisation = Organisation(kind=OrganisationKind.SCHOOL)

    assert membership.get_role_display() == "no-such-role"
    with translation.override("en"):
        assert organisation.get_kind_display() == str(OrganisationKind.SCHOOL.label)


def test_an_unhashable_value_falls_back_to_djangos_method():
    membership = Membership(role=["not", "a", "key"])

    assert membership.get_role_display() == "['not', 'a', 'key']"  # as Django shows it
