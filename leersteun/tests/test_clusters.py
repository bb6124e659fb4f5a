"""Bundling, clusters and the LSC's question list across its schools (with the CSV export)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory, PartnershipFactory
from conftest import build_full_region, log_in, member
from dossier.core.access import user_flags
from dossier.core.access.organisations import may_manage_clusters
from dossier.core.models import AuditEvent, Thema
from dossier.core.services import AccessLevel, access_grant
from leersteun.models import Cluster, Leersteunvraag, VraagGebeurtenis
from leersteun.selectors.clusters import RELATED_LIMIT, related_questions
from leersteun.services import clusters as services
from leersteun.workflow import Status
from tests.test_query_budgets import REQUEST_OVERHEAD


@pytest.fixture
def full(db):
    region = build_full_region()
    # a second school of LSC A, whose dossier the ankerpersoon reads too
    school_c = OrganisationFactory(name="Atheneum De Brug")
    PartnershipFactory(school=school_c, partner=region.lsc_a)
    directie_c = member(school_c, Role.DIRECTIE, email="directie@brug.be")
    access_grant(
        dossier=school_c.dossier,
        granted_by=directie_c,
        access=user_flags(directie_c, school_c.dossier),
        user=region.lsc_anker_a,
        level=AccessLevel.CONTRIBUTE,
    )
    region.school_c, region.dossier_c = school_c, school_c.dossier
    # a third school of LSC A that the ankerpersoon does not read
    school_d = OrganisationFactory(name="Vrije Basisschool Het Anker")
    PartnershipFactory(school=school_d, partner=region.lsc_a)
    region.school_d, region.dossier_d = school_d, school_d.dossier
    region.other_lsc = OrganisationFactory(lsc=True, name="LSC Elders")
    region.ondersteuner = member(region.lsc_a, Role.LSC_ONDERSTEUNER, email="steun@lsc.be")
    return region


_thema_names = iter(range(10**6))


def thema(name=None):
    return Thema.objects.create(name=name or f"Thema {next(_thema_names)}")


def vraag(
    full, *, dossier=None, lsc=None, label="4B-groep", status=Status.AANGEMELD, themas=(), **kw
):
    row = Leersteunvraag.objects.create(
        dossier=dossier or full.dossier_a,
        lsc=lsc or full.lsc_a,
        school_year="2026-2027",
        level=kw.pop("level", Leersteunvraag.Level.LEERKRACHT),
        owner=Leersteunvraag.Owner.ZORGCOORDINATOR,
        label=label,
        leervraag="Hoe ondersteunen we de klas bij het plannen?",
        status=status,
        registered_by=full.zorg_a,
        registered_side="school",
        **kw,
    )
    row.themas.set(themas)
    return row


def cluster(full, **kw):
    return Cluster.objects.create(
        lsc=kw.pop("lsc", full.lsc_a),
        title=kw.pop("title", "Plannen in de tweede graad"),
        approach=Cluster.Approach.SCHOOLTEAM,
        created_by=full.lsc_anker_a,
        **kw,
    )


def curl(name, full, **kwargs):
    return reverse(f"leersteun:{name}", kwargs={"lsc_pk": full.lsc_a.pk, **kwargs})


# --- the access rule -----------------------------------------------------------------------------


def test_ankerpersonen_and_the_coordinator_manage_clusters(full):
    assert may_manage_clusters(full.lsc_anker_a, full.lsc_a.pk)
    assert may_manage_clusters(full.lsc_coordinator_a, full.lsc_a.pk)
    assert not may_manage_clusters(full.ondersteuner, full.lsc_a.pk)
    assert not may_manage_clusters(full.directie_a, full.lsc_a.pk)
    assert not may_manage_clusters(full.platform_admin, full.lsc_a.pk)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lsc_anker_a", 200),
        ("lsc_coordinator_a", 200),
        ("ondersteuner", 200),
        ("directie_a", 404),
        ("zorg_a", 404),
        ("clb_medewerker_a", 404),
        ("pbd_begeleider_a", 404),
        ("platform_admin", 404),
    ],
)
def test_who_opens_the_clusters_and_the_question_list(client, full, persona, status):
    c = cluster(full)
    log_in(client, getattr(full, persona))
    for target in (
        curl("clusters", full),
        curl("cluster", full, cluster_pk=c.pk),
        curl("vragen_lsc", full),
        curl("vragen_lsc_export", full),
    ):
        assert client.get(target).status_code == status, target


def test_an_ondersteuner_reads_but_does_not_write(client, full):
    c = cluster(full)
    log_in(client, full.ondersteuner)
    assert client.get(curl("cluster_create", full)).status_code == 403
    assert client.post(curl("cluster_edit", full, cluster_pk=c.pk), {}).status_code == 403
    q = vraag(full)
    response = client.post(curl("cluster_vraag_add", full, cluster_pk=c.pk), {"vraag": q.pk})
    assert response.status_code == 403
    assert Leersteunvraag.objects.get(pk=q.pk).cluster_id is None


def test_a_cluster_of_another_lsc_is_404(client, full):
    c = cluster(full, lsc=full.other_lsc)
    log_in(client, full.lsc_anker_a)
    assert client.get(curl("cluster", full, cluster_pk=c.pk)).status_code == 404


# --- making and changing a cluster ---------------------------------------------------------------


def test_the_ankerpersoon_makes_a_cluster(client, full):
    log_in(client, full.lsc_anker_a)
    response = client.post(
        curl("cluster_create", full),
        {
            "title": "Klasmanagement",
            "approach": "leerkracht",
            "plan": "Drie sessies met de leerkrachten.",
            "ondersteuner": full.ondersteuner.pk,
            "estimated_hours": "2.5",
        },
    )
    assert response.status_code == 302
    made = Cluster.objects.get(title="Klasmanagement")
    assert made.lsc == full.lsc_a
    assert made.ondersteuner == full.ondersteuner
    assert made.estimated_hours == Decimal("2.5")
    assert made.created_by == full.lsc_anker_a


@pytest.mark.parametrize(
    ("field", "value"),
    [("estimated_hours", "-1"), ("title", "  "), ("approach", "klas"), ("estimated_hours", "abc")],
)
def test_bad_input_is_refused_and_nothing_is_written(client, full, field, value):
    log_in(client, full.lsc_anker_a)
    data = {"title": "Klasmanagement", "approach": "leerkracht", field: value}
    response = client.post(curl("cluster_create", full), data)
    assert response.status_code == 400
    assert not Cluster.objects.exists()


def test_negative_hours_get_the_services_message(full):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.cluster_create(
            lsc=full.lsc_a,
            user=full.lsc_anker_a,
            title="X",
            approach="leerkracht",
            estimated_hours=Decimal("-1"),
        )
    assert "estimated_hours" in exc.value.message_dict


def test_the_ondersteuner_must_be_an_ondersteuner_of_the_lsc(client, full):
    from django.core.exceptions import ValidationError

    log_in(client, full.lsc_anker_a)
    # the form offers only the LSC's ondersteuners: another person is a form error
    response = client.post(
        curl("cluster_create", full),
        {"title": "X", "approach": "leerkracht", "ondersteuner": full.lsc_anker_a.pk},
    )
    assert response.status_code == 400
    elsewhere = member(full.other_lsc, Role.LSC_ONDERSTEUNER, email="ander@lsc.be")
    for person in (full.lsc_anker_a, elsewhere):
        with pytest.raises(ValidationError):
            services.cluster_create(
                lsc=full.lsc_a,
                user=full.lsc_anker_a,
                title="X",
                approach="leerkracht",
                ondersteuner=person,
            )
    assert not Cluster.objects.exists()


def test_the_coordinator_edits_and_closes_a_cluster(client, full):
    c = cluster(full)
    log_in(client, full.lsc_coordinator_a)
    assert client.get(curl("cluster_edit", full, cluster_pk=c.pk)).status_code == 200
    response = client.post(
        curl("cluster_edit", full, cluster_pk=c.pk),
        {"title": "Nieuw", "approach": "leerkracht", "estimated_hours": "0", "closed": "on"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.title, c.approach, c.estimated_hours) == ("Nieuw", "leerkracht", Decimal("0.0"))
    assert c.closed_at is not None


# --- putting questions in and out ------------------------------------------------------------


def test_adding_and_removing_a_question_leaves_a_trace(client, full):
    c = cluster(full)
    q = vraag(full)
    log_in(client, full.lsc_anker_a)
    response = client.post(curl("cluster_vraag_add", full, cluster_pk=c.pk), {"vraag": q.pk})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.cluster == c
    events = VraagGebeurtenis.objects.filter(vraag=q, kind=VraagGebeurtenis.Kind.CLUSTERED)
    assert events.count() == 1
    assert AuditEvent.objects.filter(dossier=full.dossier_a, action="vraag_clustered").count() == 1

    response = client.post(curl("cluster_vraag_remove", full, cluster_pk=c.pk, vraag_pk=q.pk))
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.cluster is None
    assert events.count() == 2


def test_a_cluster_across_two_lscs_is_refused(client, full):
    c = cluster(full)
    q = vraag(full, lsc=full.other_lsc)
    log_in(client, full.lsc_anker_a)
    response = client.post(
        curl("cluster_vraag_add", full, cluster_pk=c.pk), {"vraag": q.pk}, follow=True
    )
    assert response.status_code == 200
    assert list(response.context["messages"])[0].level_tag == "error"
    q.refresh_from_db()
    assert q.cluster is None
    assert not VraagGebeurtenis.objects.filter(vraag=q).exists()


def test_a_question_the_person_does_not_read_is_refused(client, full):
    c = cluster(full)
    hidden = vraag(full, dossier=full.dossier_d)
    own = vraag(full)
    # the coördinator has no grant on any dossier; the ankerpersoon none on school D
    for person, q in ((full.lsc_coordinator_a, own), (full.lsc_anker_a, hidden)):
        log_in(client, person)
        client.post(curl("cluster_vraag_add", full, cluster_pk=c.pk), {"vraag": q.pk})
        q.refresh_from_db()
        assert q.cluster is None
    assert not VraagGebeurtenis.objects.exists()


def test_a_closed_cluster_takes_no_questions_and_bad_ids_are_messages(client, full):
    c = cluster(full, closed_at=timezone.now())
    q = vraag(full)
    log_in(client, full.lsc_anker_a)
    for data in ({"vraag": q.pk}, {"vraag": "x"}, {}, {"vraag": 10**12}):
        response = client.post(curl("cluster_vraag_add", full, cluster_pk=c.pk), data)
        assert response.status_code == 302
    q.refresh_from_db()
    assert q.cluster is None


def test_the_detail_groups_the_questions_by_school(client, full):
    c = cluster(full)
    vraag(full, label="A-1", cluster=c)
    vraag(full, label="A-2", cluster=c)
    vraag(full, dossier=full.dossier_c, label="C-1", cluster=c)
    vraag(full, dossier=full.dossier_d, label="D-1", cluster=c)
    log_in(client, full.lsc_anker_a)
    response = client.get(curl("cluster", full, cluster_pk=c.pk))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(g.school.name, [v.label for v in g.vragen]) for g in groups] == [
        ("Atheneum De Brug", ["C-1"]),
        ("Basisschool De Linde", ["A-2", "A-1"]),
    ]
    assert response.context["hidden_count"] == 1
    assert "D-1" not in response.content.decode()


def test_from_the_question_side_into_an_open_cluster(client, full):
    c = cluster(full)
    q = vraag(full)
    log_in(client, full.lsc_anker_a)
    back = reverse("leersteun:vraag", kwargs={"pk": full.dossier_a.pk, "vraag_pk": q.pk})
    response = client.post(
        curl("vraag_cluster", full, vraag_pk=q.pk), {"cluster": c.pk, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    q.refresh_from_db()
    assert q.cluster == c
    # an outside "next" is not followed
    other = cluster(full, title="Tweede")
    response = client.post(
        curl("vraag_cluster", full, vraag_pk=q.pk),
        {"cluster": other.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == curl("cluster", full, cluster_pk=other.pk)
    q.refresh_from_db()
    assert q.cluster == other
    # a cluster of another LSC is not found
    elsewhere = cluster(full, lsc=full.other_lsc, title="Elders")
    client.post(curl("vraag_cluster", full, vraag_pk=q.pk), {"cluster": elsewhere.pk})
    q.refresh_from_db()
    assert q.cluster == other


# --- bundelen en verankeren ------------------------------------------------------------------


def test_related_questions_groups(full):
    lezen, rekenen, taal = thema("Lezen"), thema("Rekenen"), thema("Taal")
    q = vraag(full, themas=[lezen, rekenen], label="3A")
    earlier_theme = vraag(full, status=Status.AFGEROND, themas=[lezen], label="1B")
    VraagGebeurtenis.objects.create(
        vraag=earlier_theme,
        kind=VraagGebeurtenis.Kind.STATUS,
        from_status=Status.OPGESTART,
        to_status=Status.AFGEROND,
        note="Het team werkt nu met leesplannen.",
        actor=full.lsc_anker_a,
    )
    earlier_label = vraag(
        full, status=Status.NIET_OPGESTART, themas=[taal], label="3a", decision_reason="Fase 1"
    )
    vraag(full, status=Status.AFGEROND, themas=[taal], label="9Z")  # nothing in common
    running_here = vraag(full, status=Status.OPGESTART, themas=[rekenen], label="5C")
    elsewhere = vraag(full, dossier=full.dossier_c, status=Status.WACHTLIJST, themas=[lezen])
    vraag(full, dossier=full.dossier_d, status=Status.WACHTLIJST, themas=[lezen])  # not read
    vraag(full, lsc=full.other_lsc, dossier=full.dossier_c, themas=[lezen])  # other LSC
    vraag(full, dossier=full.dossier_c, status=Status.AFGEROND, themas=[lezen])  # closed

    access = user_flags(full.lsc_anker_a, full.dossier_a)
    related = related_questions(q, access, user=full.lsc_anker_a)
    assert {v.pk for v in related.earlier} == {earlier_theme.pk, earlier_label.pk}
    outcome = {v.pk: (v.outcome, v.decision_reason) for v in related.earlier}
    assert outcome[earlier_theme.pk][0] == "Het team werkt nu met leesplannen."
    assert outcome[earlier_label.pk][1] == "Fase 1"
    assert [v.pk for v in related.running_here] == [running_here.pk]
    assert [v.pk for v in related.running_elsewhere] == [elsewhere.pk]
    assert related.running_elsewhere[0].theme_names == ["Lezen"]
    assert related.may_cluster

    # the school reads its own questions, not the LSC's other schools, and does not cluster
    school = related_questions(q, user_flags(full.zorg_a, full.dossier_a), user=full.zorg_a)
    assert school.running_elsewhere == [] and not school.may_cluster


@pytest.mark.parametrize("size", [2, RELATED_LIMIT + 5])
def test_related_questions_are_bounded_and_cost_the_same(full, size):
    lezen = thema("Lezen")
    q = vraag(full, themas=[lezen])
    cluster(full)
    for _ in range(size):
        vraag(full, themas=[lezen], status=Status.AFGEROND)
        vraag(full, themas=[lezen], status=Status.WACHTLIJST)
        vraag(full, dossier=full.dossier_c, themas=[lezen], status=Status.OPGESTART)
    access = user_flags(full.lsc_anker_a, full.dossier_a)
    related_questions(q, access, user=full.lsc_anker_a)  # the readable ids are cached then
    q = Leersteunvraag.objects.get(pk=q.pk)
    with CaptureQueriesContext(connection) as queries:
        related = related_questions(q, access, user=full.lsc_anker_a)
    # the themes, three groups, their themes (one query for all), the open clusters
    assert len(queries) == 6
    assert len(related.earlier) == min(size, RELATED_LIMIT)
    assert related.more["earlier"] == (size > RELATED_LIMIT)


def test_the_bundling_partial_renders_without_the_other_schools_question_text(full):
    lezen = thema("Lezen")
    q = vraag(full, themas=[lezen])
    cluster(full, title="Leesclub")
    other = vraag(full, dossier=full.dossier_c, status=Status.WACHTLIJST, themas=[lezen])
    other.leervraag = "Geheime tekst van de andere school"
    other.label = "ANDER-LABEL"
    other.save()
    request = RequestFactory().get("/")
    request.user = full.lsc_anker_a
    html = render_to_string(
        "leersteun/vragen/_bundelen.html",
        {
            "vraag": q,
            "dossier": full.dossier_a,
            "access": user_flags(full.lsc_anker_a, full.dossier_a),
        },
        request=request,
    )
    assert "Atheneum De Brug" in html
    assert "ANDER-LABEL" not in html and "Geheime tekst" not in html
    assert 'name="cluster"' in html and "Leesclub" in html


# --- the LSC's question list -----------------------------------------------------------------


def test_the_list_shows_only_readable_questions_of_the_lsc(client, full):
    a = vraag(full, label="A-1")
    c = vraag(full, dossier=full.dossier_c, label="C-1")
    vraag(full, dossier=full.dossier_d, label="D-1")
    vraag(full, lsc=full.other_lsc, label="X-1")
    log_in(client, full.lsc_anker_a)
    response = client.get(curl("vragen_lsc", full))
    assert response.status_code == 200
    assert {v.pk for v in response.context["page"].object_list} == {a.pk, c.pk}
    # the coördinator reads no dossier: an empty list
    log_in(client, full.lsc_coordinator_a)
    response = client.get(curl("vragen_lsc", full))
    assert list(response.context["page"].object_list) == []


def test_the_list_filters_and_sorts(client, full):
    lezen = thema("Lezen")
    c = cluster(full)
    now = timezone.now()
    a = vraag(
        full,
        label="A-1",
        status=Status.WACHTLIJST,
        waiting_since=now - datetime.timedelta(days=3),
        priority="laag",
    )
    b = vraag(
        full,
        dossier=full.dossier_c,
        label="C-1",
        status=Status.WACHTLIJST,
        themas=[lezen],
        waiting_since=now - datetime.timedelta(days=30),
        priority="hoog",
        ondersteuner=full.ondersteuner,
        cluster=c,
        level=Leersteunvraag.Level.SCHOOLTEAM,
    )
    d = vraag(full, label="A-2", status=Status.OPGESTART)
    log_in(client, full.lsc_anker_a)

    def pks(**params):
        response = client.get(curl("vragen_lsc", full), params)
        assert response.status_code == 200, response.context["filter"].errors
        return [v.pk for v in response.context["page"].object_list]

    assert set(pks(status="wachtlijst")) == {a.pk, b.pk}
    assert pks(level="schoolteam") == [b.pk]
    assert pks(school=full.dossier_c.pk) == [b.pk]
    assert pks(thema=lezen.pk) == [b.pk]
    assert pks(ondersteuner=full.ondersteuner.pk) == [b.pk]
    assert pks(cluster=c.pk) == [b.pk]
    assert pks(q="brug") == [b.pk]
    assert pks(q="A-2") == [d.pk]
    assert pks(sort="waiting")[:2] == [b.pk, a.pk]
    assert pks(sort="priority")[:2] == [b.pk, a.pk]
    assert pks(sort="registered")[0] == d.pk
    # a bad value is a form error, not a 500
    assert client.get(curl("vragen_lsc", full), {"status": "x"}).status_code == 400
    assert client.get(curl("vragen_lsc", full), {"school": "abc"}).status_code == 400


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_costs_the_same_at_two_sizes(client, full, django_assert_num_queries, size):
    lezen, taal = thema("Lezen"), thema("Taal")
    c = cluster(full)
    for index in range(size):
        vraag(
            full,
            dossier=full.dossier_a if index % 2 else full.dossier_c,
            themas=[lezen, taal],
            ondersteuner=full.ondersteuner,
            cluster=c,
            label=f"L-{index}",
        )
    log_in(client, full.lsc_anker_a)
    client.get(curl("vragen_lsc", full))
    # the LSC, the count, the page, its themes; the form's schools, themes, ondersteuners
    # (two), clusters
    with django_assert_num_queries(REQUEST_OVERHEAD + 9):
        response = client.get(curl("vragen_lsc", full))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size


# --- the CSV export ------------------------------------------------------------------------------


def csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8").lstrip("\ufeff")), delimiter=";"))


def test_the_export_holds_what_the_person_reads_and_is_audited(client, full):
    lezen = thema("Lezen")
    c = cluster(full, title="=HYPERLINK(1)")
    vraag(full, label="-2+3", themas=[lezen], cluster=c, estimated_hours=Decimal("1.5"))
    vraag(full, label="A-2", domain_coaching=True)
    vraag(full, dossier=full.dossier_c, label="@C", status=Status.WACHTLIJST)
    vraag(full, dossier=full.dossier_d, label="D-1")
    log_in(client, full.lsc_anker_a)
    response = client.get(curl("vragen_lsc_export", full))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == 14
    assert len(rows) == 3
    labels = {row[4] for row in rows}
    assert labels == {"'-2+3", "A-2", "'@C"}
    assert "D-1" not in response.content.decode()
    first = next(row for row in rows if row[4] == "'-2+3")
    assert first[6] == "Lezen" and first[10] == "1,5" and first[11] == "'=HYPERLINK(1)"
    assert first[1] == full.school_a.instellingsnummer
    events = AuditEvent.objects.filter(action="leersteunvragen_exported")
    assert sorted(events.values_list("dossier_id", flat=True)) == sorted(
        [full.dossier_a.pk, full.dossier_c.pk]
    )
    assert all(e.actor == full.lsc_anker_a for e in events)


def test_the_export_follows_the_filter_and_the_format_parameter(client, full):
    vraag(full, label="A-1", status=Status.WACHTLIJST)
    vraag(full, label="A-2")
    log_in(client, full.lsc_anker_a)
    response = client.get(curl("vragen_lsc", full), {"format": "csv", "status": "wachtlijst"})
    _header, *rows = csv_rows(response)
    assert [row[4] for row in rows] == ["A-1"]
    # a bad filter exports nothing
    response = client.get(curl("vragen_lsc_export", full), {"status": "x"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="leersteunvragen_exported").count() == 1
