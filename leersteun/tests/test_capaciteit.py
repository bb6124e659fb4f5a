"""Priorities, ondersteuners, hours and capacity: the LSC's choices per question, the capacity
page (coördinator: every school; ankerpersoon: their schools) and the ondersteuner's page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory, PartnershipFactory
from conftest import build_full_region, log_in, member
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.core.services import AccessLevel, access_grant
from dossier.meldingen.models import Notification
from leersteun.models import Capaciteit, Cluster, Leersteunvraag, VraagGebeurtenis
from leersteun.selectors.capaciteit import capacity_of, my_work
from leersteun.services.capaciteit import capaciteit_save
from leersteun.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    region = build_full_region()
    # an ondersteuner of LSC A with a contribute grant on A
    region.ondersteuner = member(region.lsc_a, Role.LSC_ONDERSTEUNER, email="ond@lsc.be")
    region.ondersteuner2 = member(region.lsc_a, Role.LSC_ONDERSTEUNER, email="ond2@lsc.be")
    _grant(region, region.dossier_a, region.directie_a, region.ondersteuner)
    # school C works with LSC A too; nobody of the LSC has a grant on its dossier
    region.school_c = OrganisationFactory(name="Atheneum Zuid")
    PartnershipFactory(school=region.school_c, partner=region.lsc_a)
    region.dossier_c = region.school_c.dossier
    return region


def _grant(region, dossier, directie, user):
    access_grant(
        dossier=dossier,
        granted_by=directie,
        access=user_flags(directie, dossier),
        user=user,
        level=AccessLevel.CONTRIBUTE,
    )


def a_vraag(region, *, dossier=None, status=Status.OPGESTART, **kwargs) -> Leersteunvraag:
    values = {
        "dossier": dossier or region.dossier_a,
        "lsc": region.lsc_a,
        "school_year": "2025-2026",
        "level": Leersteunvraag.Level.LEERKRACHT,
        "owner": Leersteunvraag.Owner.ZORGCOORDINATOR,
        "label": "3B",
        "leervraag": "Hoe differentiëren we in de klas?",
        "registered_by": region.zorg_a,
        "registered_side": "school",
        "status": status,
    }
    values.update(kwargs)
    return Leersteunvraag.objects.create(**values)


def assign_url(vraag) -> str:
    return reverse("leersteun:vraag_assign", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk})


def capacity_url(region) -> str:
    return reverse("leersteun:capaciteit", kwargs={"lsc_pk": region.lsc_a.pk})


def mine_url(region) -> str:
    return reverse("leersteun:mijn_vragen", kwargs={"lsc_pk": region.lsc_a.pk})


# --- one question: priority, ondersteuner, hours ------------------------------------------------


def test_the_lsc_sets_priority_ondersteuner_and_hours(client, region):
    vraag = a_vraag(region, status=Status.WACHTLIJST)
    log_in(client, region.lsc_anker_a)
    response = client.post(
        assign_url(vraag),
        {
            "priority": "hoog",
            "ondersteuner": region.ondersteuner.pk,
            "estimated_hours": "2,5",
            "note": "Start na de herfstvakantie",
        },
    )
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert (vraag.priority, vraag.ondersteuner, vraag.estimated_hours) == (
        "hoog",
        region.ondersteuner,
        Decimal("2.5"),
    )
    events = list(VraagGebeurtenis.objects.filter(vraag=vraag).order_by("pk"))
    assert [e.kind for e in events] == ["priority", "assigned"]
    assert all("Start na de herfstvakantie" in e.note for e in events)
    assert all(e.actor == region.lsc_anker_a for e in events)
    assert AuditEvent.objects.filter(
        dossier=region.dossier_a, action="leersteunvraag_assigned"
    ).exists()
    # the ondersteuner hears of it
    assert Notification.objects.filter(user=region.ondersteuner).count() == 1
    assert not Notification.objects.exclude(user=region.ondersteuner).exists()


def test_only_a_change_writes_an_event(client, region):
    vraag = a_vraag(region, priority="laag")
    log_in(client, region.lsc_anker_a)
    client.post(assign_url(vraag), {"priority": "laag"})
    assert not VraagGebeurtenis.objects.filter(vraag=vraag).exists()
    client.post(assign_url(vraag), {"priority": "laag", "estimated_hours": "1"})
    assert list(VraagGebeurtenis.objects.filter(vraag=vraag).values_list("kind", flat=True)) == [
        "assigned"
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"estimated_hours": "-1"}, "estimated_hours"),
        ({"estimated_hours": "41"}, "estimated_hours"),
        ({"estimated_hours": "twee"}, "estimated_hours"),
        ({"priority": "dringend"}, "priority"),
        ({"ondersteuner": "999999"}, "ondersteuner"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(client, region, data, field):
    vraag = a_vraag(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(assign_url(vraag), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    vraag.refresh_from_db()
    assert vraag.estimated_hours is None and vraag.priority == ""
    assert not VraagGebeurtenis.objects.filter(vraag=vraag).exists()


@pytest.mark.parametrize("who", ["lsc_anker_a", "zorg_a", "lsc_coordinator_a"])
def test_only_an_ondersteuner_of_the_lsc_today_is_assigned(client, region, who):
    vraag = a_vraag(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(assign_url(vraag), {"ondersteuner": region.persona(who).pk})
    assert response.status_code == 400
    assert "ondersteuner" in response.context["form"].errors
    vraag.refresh_from_db()
    assert vraag.ondersteuner is None


def test_an_ended_membership_is_no_ondersteuner(client, region):
    vraag = a_vraag(region)
    region.ondersteuner2.memberships.update(end_date=timezone.localdate() - datetime.timedelta(1))
    log_in(client, region.lsc_anker_a)
    response = client.post(assign_url(vraag), {"ondersteuner": region.ondersteuner2.pk})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("zorg_a", 403),
        ("directie_a", 403),
        ("clb_medewerker_a", 403),
        ("pbd_begeleider_a", 404),
        ("platform_admin", 404),
        ("directie_b", 404),
        ("lsc_coordinator_a", 404),
    ],
)
def test_only_the_lsc_assigns(client, region, persona, status):
    vraag = a_vraag(region)
    log_in(client, region.persona(persona))
    response = client.post(assign_url(vraag), {"priority": "hoog"})
    assert response.status_code == status
    vraag.refresh_from_db()
    assert vraag.priority == ""


def test_a_question_of_another_dossier_is_404(client, region):
    other = a_vraag(region, dossier=region.dossier_c)
    log_in(client, region.lsc_anker_a)
    url = reverse(
        "leersteun:vraag_assign", kwargs={"pk": region.dossier_a.pk, "vraag_pk": other.pk}
    )
    assert client.post(url, {"priority": "hoog"}).status_code == 404


def test_a_closed_question_keeps_its_hours(client, region):
    vraag = a_vraag(region, status=Status.AFGEROND)
    log_in(client, region.lsc_anker_a)
    response = client.post(assign_url(vraag), {"priority": "hoog"})
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.priority == ""


def test_the_partial_shows_the_form_to_the_lsc_only(region):
    from django.template.loader import render_to_string

    vraag = a_vraag(region)
    for user, shown in ((region.lsc_anker_a, True), (region.zorg_a, False)):
        html = render_to_string(
            "leersteun/vragen/_toewijzing.html",
            {
                "vraag": vraag,
                "dossier": region.dossier_a,
                "access": user_flags(user, vraag.dossier),
            },
        )
        assert (assign_url(vraag) in html) is shown
        if shown:
            assert f'value="{region.ondersteuner.pk}"' in html


def test_the_question_page_includes_the_partial(client, region):
    vraag = a_vraag(region)
    url = reverse("leersteun:vraag", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk})
    log_in(client, region.lsc_anker_a)
    assert assign_url(vraag) in client.get(url).content.decode()
    log_in(client, region.zorg_a)
    assert assign_url(vraag) not in client.get(url).content.decode()


# --- capacity per ondersteuner ------------------------------------------------------------------


def test_the_coordinator_sets_the_hours(client, region):
    log_in(client, region.lsc_coordinator_a)
    response = client.post(
        capacity_url(region),
        {f"hours_{region.ondersteuner.pk}": "16", f"hours_{region.ondersteuner2.pk}": "8,5"},
    )
    assert response.status_code == 302
    assert dict(Capaciteit.objects.values_list("ondersteuner_id", "hours_per_week")) == {
        region.ondersteuner.pk: Decimal("16"),
        region.ondersteuner2.pk: Decimal("8.5"),
    }
    # emptied: no capacity set
    client.post(capacity_url(region), {f"hours_{region.ondersteuner.pk}": "16"})
    assert list(Capaciteit.objects.values_list("ondersteuner_id", flat=True)) == [
        region.ondersteuner.pk
    ]


def test_negative_capacity_is_refused_and_nothing_written(client, region):
    log_in(client, region.lsc_coordinator_a)
    response = client.post(
        capacity_url(region),
        {f"hours_{region.ondersteuner.pk}": "16", f"hours_{region.ondersteuner2.pk}": "-2"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"hours_{region.ondersteuner2.pk}"]
    assert not Capaciteit.objects.exists()


def test_the_service_refuses_people_who_are_no_ondersteuner(region):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        capaciteit_save(
            lsc_id=region.lsc_a.pk,
            user=region.lsc_coordinator_a,
            hours={region.lsc_anker_a.pk: Decimal("4")},
        )
    with pytest.raises(PermissionDenied):
        capaciteit_save(
            lsc_id=region.lsc_a.pk,
            user=region.lsc_anker_a,
            hours={region.ondersteuner.pk: Decimal("4")},
        )
    assert not Capaciteit.objects.exists()


def test_an_ankerpersoon_reads_but_does_not_set_the_hours(client, region):
    log_in(client, region.lsc_anker_a)
    response = client.get(capacity_url(region))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(capacity_url(region), {}).status_code == 403


@pytest.mark.parametrize(
    "persona", ["zorg_a", "directie_a", "clb_medewerker_a", "platform_admin", "directie_b"]
)
def test_the_capacity_page_is_404_outside_the_lsc(client, region, persona):
    log_in(client, region.persona(persona))
    assert client.get(capacity_url(region)).status_code == 404
    assert client.post(capacity_url(region), {}).status_code == 404
    assert client.get(mine_url(region)).status_code == 404


def test_an_ondersteuner_has_their_own_page_not_the_capacity_page(client, region):
    log_in(client, region.ondersteuner)
    assert client.get(capacity_url(region)).status_code == 404
    assert client.get(mine_url(region)).status_code == 200


def test_a_superuser_without_a_membership_gets_404(client, region):
    region.platform_admin.is_superuser = True
    region.platform_admin.save()
    log_in(client, region.platform_admin)
    assert client.get(capacity_url(region)).status_code == 404
    assert client.get(mine_url(region)).status_code == 404


# --- the figures -----------------------------------------------------------------------------------


def _figures(region):
    """Ondersteuner 1: a running question of 3 h in A, a cluster of 4 h with two running
    questions (one in A, one in C); a running question of 5 h in C; on hold (not counted).
    Capacity 10: over by 2 for the coördinator; 3 + 2 = 5 in A for the ankerpersoon."""
    ond = region.ondersteuner
    Capaciteit.objects.create(lsc=region.lsc_a, ondersteuner=ond, hours_per_week=10)
    cluster = Cluster.objects.create(
        lsc=region.lsc_a,
        title="Klasmanagement",
        approach=Cluster.Approach.LEERKRACHT,
        ondersteuner=ond,
        estimated_hours=4,
        created_by=region.lsc_anker_a,
    )
    long_ago = timezone.now() - datetime.timedelta(days=90)
    low = a_vraag(region, ondersteuner=ond, estimated_hours=3, priority="laag")
    a_vraag(region, cluster=cluster, ondersteuner=region.ondersteuner2, estimated_hours=9)
    a_vraag(region, dossier=region.dossier_c, cluster=cluster)
    old = a_vraag(
        region,
        dossier=region.dossier_c,
        ondersteuner=ond,
        estimated_hours=5,
        priority="hoog",
        status_changed_at=long_ago,
    )
    a_vraag(region, status=Status.ON_HOLD, ondersteuner=ond, estimated_hours=7)
    now = timezone.now()
    waiting = [
        a_vraag(region, status=Status.WACHTLIJST, waiting_since=now - datetime.timedelta(days=d))
        for d in (3, 40)
    ]
    a_vraag(
        region,
        dossier=region.dossier_c,
        status=Status.WACHTLIJST,
        waiting_since=now - datetime.timedelta(days=100),
    )
    return low, old, waiting


def test_load_per_ondersteuner_and_school_for_the_coordinator(region):
    low, old, waiting = _figures(region)
    capacity = capacity_of(region.lsc_coordinator_a, region.lsc_a.pk, everything=True)
    loads = {load.person.pk: load for load in capacity.loads}
    first = loads[region.ondersteuner.pk]
    # 3 + 5 on their own, 4 through the cluster; the clustered question's own 9 h do not count
    assert (first.hours, first.capacity, first.over, first.excess) == (
        Decimal("12.0"),
        Decimal("10"),
        True,
        Decimal("2.0"),
    )
    assert (first.questions, first.clusters) == (2, 1)
    assert loads[region.ondersteuner2.pk].hours == 0
    schools = {s.dossier_id: s for s in capacity.schools}
    assert schools[region.dossier_a.pk].hours == Decimal("5.0")  # 3 + half of the cluster
    assert schools[region.dossier_c.pk].hours == Decimal("7.0")  # 5 + half of the cluster
    assert capacity.total_hours == first.hours
    # the waiting list: longest first, in days
    assert [v.days for v in capacity.waiting] == [100, 40, 3]
    assert capacity.waiting_summary["count"] == 3
    # what could be rounded off: low priority first, though the other runs longer
    assert [v.pk for v in first.candidates] == [low.pk, old.pk]
    # the coördinator has no grant: no labels, no links
    assert not any(v.readable for v in capacity.waiting)


def test_the_ankerpersoon_sees_their_schools_only(client, region):
    _figures(region)
    capacity = capacity_of(region.lsc_anker_a, region.lsc_a.pk, everything=False)
    first = {load.person.pk: load for load in capacity.loads}[region.ondersteuner.pk]
    assert first.hours == Decimal("5.0")
    assert not first.over
    assert [s.dossier_id for s in capacity.schools] == [region.dossier_a.pk]
    assert [v.days for v in capacity.waiting] == [40, 3]
    assert all(v.readable for v in capacity.waiting)
    log_in(client, region.lsc_anker_a)
    html = client.get(capacity_url(region)).content.decode()
    assert region.school_c.name not in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html


def test_the_chart_marks_over_capacity(client, region):
    _figures(region)
    log_in(client, region.lsc_coordinator_a)
    response = client.get(capacity_url(region))
    html = response.content.decode()
    assert "capacity-chart__row--over" in html
    assert region.school_c.name in html
    assert 'class="row--over"' in html


def _many(region, n: int) -> None:
    ond = [region.ondersteuner, region.ondersteuner2]
    cluster = Cluster.objects.create(
        lsc=region.lsc_a,
        title=f"Cluster {n}",
        approach=Cluster.Approach.SCHOOLTEAM,
        ondersteuner=ond[0],
        estimated_hours=2,
        created_by=region.lsc_anker_a,
    )
    statuses = [Status.OPGESTART, Status.WACHTLIJST, Status.AANGEMELD, Status.ON_HOLD]
    for i in range(n):
        a_vraag(
            region,
            dossier=region.dossier_a if i % 2 else region.dossier_c,
            status=statuses[i % 4],
            ondersteuner=ond[i % 2],
            estimated_hours=Decimal(i % 5),
            priority=["laag", "normaal", "hoog"][i % 3],
            cluster=cluster if i % 7 == 0 else None,
            waiting_since=timezone.now() - datetime.timedelta(days=i),
        )
    Capaciteit.objects.get_or_create(
        lsc=region.lsc_a, ondersteuner=ond[0], defaults={"hours_per_week": 1}
    )


@pytest.mark.parametrize("persona", ["lsc_coordinator_a", "lsc_anker_a"])
def test_the_capacity_page_costs_the_same_at_two_sizes(client, region, persona):
    user = region.persona(persona)
    log_in(client, user)
    counts = []
    for n in (5, 40):
        _many(region, n)
        client.get(capacity_url(region))  # the standing, cached
        with CaptureQueriesContext(connection) as captured:
            response = client.get(capacity_url(region))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_ondersteuners_page(client, region):
    ond = region.ondersteuner
    Capaciteit.objects.create(lsc=region.lsc_a, ondersteuner=ond, hours_per_week=6)
    mine = a_vraag(region, ondersteuner=ond, estimated_hours=2, label="Klas 4A-lezen")
    a_vraag(region, dossier=region.dossier_c, ondersteuner=ond, estimated_hours=3)
    a_vraag(region, ondersteuner=region.ondersteuner2, label="Klas 5C-rekenen")
    a_vraag(region, ondersteuner=ond, status=Status.AFGEROND, label="Klas 6D-welbevinden")
    Cluster.objects.create(
        lsc=region.lsc_a,
        title="Teamcoaching",
        approach=Cluster.Approach.SCHOOLTEAM,
        ondersteuner=ond,
        estimated_hours=1,
        created_by=region.lsc_anker_a,
    )
    work = my_work(ond, region.lsc_a.pk)
    assert [v.pk for v in work.questions] == [mine.pk]
    assert work.hidden == 1
    assert [c.title for c in work.clusters] == ["Teamcoaching"]
    # their own hours, all of the LSC's (the cluster has no running question: not counted)
    assert (work.load.hours, work.load.capacity) == (Decimal("5.0"), Decimal("6"))
    log_in(client, ond)
    html = client.get(mine_url(region)).content.decode()
    # labels long enough that no CSRF token or id can hold them by chance
    assert "Klas 4A-lezen" in html and "Teamcoaching" in html
    assert "Klas 5C-rekenen" not in html and "Klas 6D-welbevinden" not in html


def test_the_ondersteuners_page_costs_the_same_at_two_sizes(client, region):
    log_in(client, region.ondersteuner)
    counts = []
    for n in (5, 40):
        _many(region, n)
        client.get(mine_url(region))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(mine_url(region)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
