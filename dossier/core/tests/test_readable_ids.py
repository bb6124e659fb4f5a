"""The readable dossier ids: computed once, cached briefly, forgotten on every access change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import ratelimit
from accounts.models import Membership, Partnership, User
from accounts.roles import Role
from accounts.services import membership_end, partnership_end
from conftest import member
from dossier.core.access import Section, readable_dossier_ids, user_flags
from dossier.core.services import AccessLevel, access_grant, access_revoke
from signalen.tests.factories import SignaalFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def fresh(user) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


def signal_ids(user) -> list[int]:
    return readable_dossier_ids(fresh(user), Section.SIGNALEN)


def queries_for(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_a_second_ask_in_the_same_or_a_later_request_costs_no_query(region):
    person = fresh(region.clb_medewerker_a)
    assert queries_for(lambda: readable_dossier_ids(person, Section.SIGNALEN)) == 1
    assert queries_for(lambda: readable_dossier_ids(person, Section.SIGNALEN)) == 0
    later = fresh(region.clb_medewerker_a)  # a new request, a new user object
    assert queries_for(lambda: readable_dossier_ids(later, Section.SIGNALEN)) == 0
    assert readable_dossier_ids(later, Section.SIGNALEN) == [region.dossier_a.pk]


def test_sections_and_people_are_cached_apart(region):
    assert signal_ids(region.clb_medewerker_a) == [region.dossier_a.pk]
    assert signal_ids(region.clb_medewerker_other) == []  # a grant without a partnership
    # the LSC does not read consultation notes, whatever its grant
    assert readable_dossier_ids(fresh(region.lsc_anker_a), Section.CONSULTATIES) == []
    assert readable_dossier_ids(fresh(region.lsc_anker_a), Section.DOCUMENTEN) == [
        region.dossier_a.pk
    ]


def test_a_revoked_grant_is_forgotten_at_once(region):
    assert signal_ids(region.clb_medewerker_a) == [region.dossier_a.pk]

    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )

    assert signal_ids(region.clb_medewerker_a) == []


def test_a_new_grant_counts_at_once(region):
    colleague = member(region.clb_a, Role.CLB_MEDEWERKER)
    assert signal_ids(colleague) == []

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=colleague,
        level=AccessLevel.VIEW,
    )

    assert signal_ids(colleague) == [region.dossier_a.pk]


def test_an_ended_membership_is_forgotten_at_once(region):
    assert signal_ids(region.clb_medewerker_a) == [region.dossier_a.pk]

    membership_end(
        membership=Membership.objects.get(user=region.clb_medewerker_a),
        end_date=YESTERDAY,
        actor=region.platform_admin,
    )

    assert signal_ids(region.clb_medewerker_a) == []


def test_an_ended_partnership_is_forgotten_at_once(region):
    assert signal_ids(region.clb_medewerker_a) == [region.dossier_a.pk]

    partnership_end(
        partnership=Partnership.objects.get(school=region.school_a, partner=region.clb_a),
        end_date=YESTERDAY,
        actor=region.platform_admin,
    )

    assert signal_ids(region.clb_medewerker_a) == []


def test_a_switched_off_person_reads_nothing_at_once(region):
    assert signal_ids(region.clb_medewerker_a) == [region.dossier_a.pk]
    person = fresh(region.clb_medewerker_a)

    person.is_active = False
    person.save()

    assert signal_ids(region.clb_medewerker_a) == []


def test_a_login_does_not_forget_everyones_lists(region):
    person = fresh(region.clb_medewerker_a)
    readable_dossier_ids(person, Section.SIGNALEN)

    other = fresh(region.directie_a)
    other.last_login = timezone.now()
    other.save(update_fields=["last_login"])

    assert queries_for(lambda: signal_ids(region.clb_medewerker_a)) == 1  # loading the person


def test_the_cross_school_list_shows_a_revocation_on_the_next_request(client, region):
    SignaalFactory(dossier=region.dossier_a, author=region.clb_medewerker_a)
    client.force_login(region.clb_medewerker_a)
    assert client.get(reverse("signalen:my_schools")).context["page"].paginator.count == 1

    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )

    assert client.get(reverse("signalen:my_schools")).context["page"].paginator.count == 0


def test_without_a_cache_every_ask_computes(region, settings):
    settings.ACCESS_CACHE_SECONDS = 0
    person = fresh(region.clb_medewerker_a)

    assert queries_for(lambda: readable_dossier_ids(person, Section.SIGNALEN)) == 1
    assert queries_for(lambda: readable_dossier_ids(person, Section.SIGNALEN)) == 1


def test_with_redis_away_access_changes_are_written_and_the_ids_computed(region, settings):
    from accounts.tests.test_login_without_redis import free_port

    location = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        alias: {**config, "LOCATION": location} for alias, config in settings.CACHES.items()
    }
    ratelimit._down_until.pop(location, None)

    access_revoke(  # moving the generation on fails, the revocation does not
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )

    assert signal_ids(region.clb_medewerker_a) == []
    assert signal_ids(region.zorg_a) == [region.dossier_a.pk]
    assert ratelimit._down_until.get(location)  # later calls skip Redis at once


def test_the_same_person_object_sees_a_change_made_in_its_request(region):
    # the generation is read once per request (kept on the user object), and again after a
    # change in this process: a page that revokes and then lists sees the revocation
    person = User.objects.get(pk=region.clb_medewerker_a.pk)
    assert readable_dossier_ids(person, Section.SIGNALEN) == [region.dossier_a.pk]
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )
    assert readable_dossier_ids(person, Section.SIGNALEN) == []


def test_the_generation_is_asked_of_redis_once_a_request(region, monkeypatch):
    from dossier.core.access import readable

    person = User.objects.get(pk=region.clb_medewerker_a.pk)
    asked = []
    real = readable._cache

    def counting(method, *args):
        if args and args[0] == readable.GENERATION_KEY and method == "get":
            asked.append(method)
        return real(method, *args)

    monkeypatch.setattr(readable, "_cache", counting)
    for section in (Section.SIGNALEN, Section.CONSULTATIES, Section.DOCUMENTEN):
        readable_dossier_ids(person, section)
    assert len(asked) == 1
