"""Leersteunvragen in a school's dossier: registering, the privacy guard, the list and the
question page, screening with the filters, decisions and the rest of the workflow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Partnership
from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from conftest import log_in
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent, Thema
from dossier.core.services import AccessLevel, access_grant
from dossier.meldingen.models import Notification
from leersteun.models import (
    Filter,
    FilterBeoordeling,
    Leersteunvraag,
    VraagGebeurtenis,
)
from leersteun.services import vragen as services
from leersteun.tests.factories import SjabloonFactory, SjabloonVersieFactory
from leersteun.workflow import Status
from samenwerking.schoolyear import school_year_of

# A valid national register number (its check computed here) and a Belgian mobile number.
RRN = f"85.07.30-033.{97 - 850730033 % 97:02d}"
PHONE = "0470 12 34 56"


@pytest.fixture
def thema(db):
    return Thema.objects.create(name="Lezen (vragen)", position=1)


@pytest.fixture
def filters(region):
    """LSC A's own published version with three filters."""
    versie = SjabloonVersieFactory(
        sjabloon=SjabloonFactory(lsc=region.lsc_a, name="LSC A"), published=True
    )
    return [
        Filter.objects.create(versie=versie, position=i, name=name)
        for i, name in enumerate(["Juiste fase", "Mandaat", "Duurzaamheid"])
    ]


def fields(**overrides):
    values = {
        "level": Leersteunvraag.Level.LEERLING,
        "owner": Leersteunvraag.Owner.ZORGCOORDINATOR,
        "label": "5B-lezen",
        "leervraag": "Hoe ondersteunen we technisch lezen in het vijfde leerjaar?",
        "phase_0_1": "Differentiatie in de klas, leesouders.",
        "phase_2_3": "Extra leesmomenten met de zorgleerkracht.",
        "verslag": Leersteunvraag.Verslag.GC,
        "verslag_type": "",
        "domains": ["onderwijskunde"],
    }
    values.update(overrides)
    return values


def register(region, user=None, **overrides):
    user = user or region.zorg_a
    return services.vraag_register(
        dossier=region.dossier_a,
        user=user,
        access=user_flags(user, region.dossier_a),
        **fields(**overrides),
    )


def url(name, vraag=None, dossier=None):
    if vraag is not None:
        return reverse(f"leersteun:{name}", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk})
    return reverse(f"leersteun:{name}", kwargs={"pk": dossier.pk})


def lsc_access(region):
    return user_flags(region.lsc_anker_a, region.dossier_a)


def screen(region, vraag, filters, *, state="met", decision="", reason=""):
    return services.vraag_screen(
        vraag=vraag,
        user=region.lsc_anker_a,
        access=lsc_access(region),
        lines=[services.Line(f, state, "") for f in filters],
        decision=decision,
        reason=reason,
    )


# --- registering -------------------------------------------------------------------------------


def test_the_school_registers_a_question(region, thema):
    vraag = register(region, themas=[thema])
    assert vraag.status == Status.AANGEMELD
    assert vraag.lsc == region.lsc_a  # the school's only LSC
    assert vraag.school_year == school_year_of(timezone.localdate())
    assert vraag.registered_side == "school"
    assert vraag.domain_onderwijskunde and not vraag.domain_coaching
    assert list(vraag.themas.all()) == [thema]
    event = vraag.gebeurtenissen.get()
    assert (event.kind, event.to_status, event.actor) == ("created", "aangemeld", region.zorg_a)
    assert AuditEvent.objects.filter(action="vraag_registered", dossier=region.dossier_a).exists()
    # the LSC's people with access hear of it; the school and the CLB do not
    assert set(Notification.objects.values_list("user", flat=True)) == {region.lsc_anker_a.pk}


def test_the_lsc_registers_on_the_schools_behalf_with_its_own_lsc(region):
    other_lsc = OrganisationFactory(lsc=True)
    PartnershipFactory(school=region.school_a, partner=other_lsc)
    vraag = register(region, user=region.lsc_anker_a, lsc_id=other_lsc.pk)
    assert vraag.lsc == region.lsc_a
    assert vraag.registered_side == "lsc"


def test_a_school_with_two_lscs_chooses(region):
    other_lsc = OrganisationFactory(lsc=True)
    PartnershipFactory(school=region.school_a, partner=other_lsc)
    with pytest.raises(ValidationError) as exc:
        register(region)
    assert "lsc" in exc.value.message_dict
    assert register(region, lsc_id=other_lsc.pk).lsc == other_lsc


def test_a_school_without_an_lsc_cannot_register(client, region):
    Partnership.objects.filter(school=region.school_a, partner=region.lsc_a).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        register(region)
    log_in(client, region.directie_a)
    response = client.get(url("vraag_create", dossier=region.dossier_a))
    assert response.status_code == 200
    assert response.context["no_lsc"]
    assert b'name="leervraag"' not in response.content
    assert not Leersteunvraag.objects.exists()


def test_the_school_registers_through_the_page(client, region, thema):
    log_in(client, region.zorg_a)
    data = fields(themas=[thema.pk], lsc=region.lsc_a.pk)
    response = client.post(url("vraag_create", dossier=region.dossier_a), data)
    vraag = Leersteunvraag.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("vraag", vraag)
    assert vraag.label == "5B-lezen"


def test_the_registration_page_preselects_the_only_lsc(client, region):
    log_in(client, region.zorg_a)
    response = client.get(url("vraag_create", dossier=region.dossier_a))
    assert response.context["form"].fields["lsc"].initial == region.lsc_a.pk


@pytest.mark.parametrize("level", ["leerkracht", "schoolteam"])
def test_a_verslag_belongs_to_a_pupil_level_question(region, level):
    with pytest.raises(ValidationError) as exc:
        register(region, level=level, verslag="iac")
    assert "verslag" in exc.value.message_dict
    with pytest.raises(ValidationError):
        register(region, level=level, verslag="", verslag_type="7")
    assert register(region, level=level, verslag="").verslag == ""
    assert Leersteunvraag.objects.count() == 1


def test_a_pupil_question_keeps_its_verslag_and_type(region):
    vraag = register(region, verslag="iac", verslag_type="9")
    assert (vraag.verslag, vraag.verslag_type) == ("iac", "9")


def test_at_least_one_domain(region):
    with pytest.raises(ValidationError) as exc:
        register(region, domains=[])
    assert "domains" in exc.value.message_dict
    with pytest.raises(ValidationError):
        register(region, domains=["astrologie"])
    assert not Leersteunvraag.objects.exists()


def test_an_inactive_theme_is_refused(region, thema):
    thema.is_active = False
    thema.save()
    with pytest.raises(ValidationError):
        register(region, themas=[thema])


def test_the_clb_and_the_pbd_do_not_register(client, region):
    log_in(client, region.clb_medewerker_a)
    assert client.get(url("vraag_create", dossier=region.dossier_a)).status_code == 403
    log_in(client, region.pbd_begeleider_a)
    assert client.get(url("vraag_create", dossier=region.dossier_a)).status_code == 404
    with pytest.raises(PermissionDenied):
        register(region, user=region.clb_medewerker_a)


# --- the privacy guard -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["label", "leervraag", "phase_0_1", "phase_2_3"])
@pytest.mark.parametrize(
    "identifier", [RRN, PHONE, "mama@example.com"], ids=["rrn", "phone", "email"]
)
def test_the_privacy_guard_refuses_identifiers_in_every_field(region, field, identifier):
    value = f"5B {identifier}" if field == "label" else f"Bel de ouders op {identifier}."
    with pytest.raises(ValidationError) as exc:
        register(region, **{field: value})
    assert field in exc.value.message_dict
    assert not Leersteunvraag.objects.exists()
    assert not VraagGebeurtenis.objects.exists()
    assert not Notification.objects.exists()


def test_the_label_must_be_pseudonymous(region):
    with pytest.raises(ValidationError) as exc:
        register(region, label="Jan Peeters")
    assert "label" in exc.value.message_dict
    assert not Leersteunvraag.objects.exists()


@pytest.mark.parametrize("number", [RRN, "85.07.30-033.61"])  # valid, and with a typo
def test_the_privacy_guard_shows_on_the_page(client, region, number):
    log_in(client, region.zorg_a)
    data = fields(leervraag=f"Zie rijksregisternummer {number}", lsc=region.lsc_a.pk)
    response = client.post(url("vraag_create", dossier=region.dossier_a), data)
    assert response.status_code == 400
    assert response.context["form"].errors["leervraag"]
    assert not Leersteunvraag.objects.exists()


def test_the_guard_applies_to_a_change_too(region):
    vraag = register(region)
    access = user_flags(region.zorg_a, region.dossier_a)
    with pytest.raises(ValidationError):
        services.vraag_update(
            vraag=vraag, user=region.zorg_a, access=access, **fields(phase_2_3=f"Tel {PHONE}")
        )
    vraag.refresh_from_db()
    assert PHONE not in vraag.phase_2_3


def test_the_guard_applies_to_filter_remarks_and_reasons(region, filters):
    vraag = register(region)
    with pytest.raises(ValidationError) as exc:
        services.vraag_screen(
            vraag=vraag,
            user=region.lsc_anker_a,
            access=lsc_access(region),
            lines=[services.Line(filters[0], "met", f"Mail naar juf@school.be of {PHONE}")]
            + [services.Line(f, "met", "") for f in filters[1:]],
        )
    assert f"remark_{filters[0].pk}" in exc.value.message_dict
    assert not FilterBeoordeling.objects.exists()
    screen(region, vraag, filters)
    with pytest.raises(ValidationError) as exc:
        services.vraag_status(
            vraag=vraag,
            user=region.lsc_anker_a,
            access=lsc_access(region),
            to=Status.NIET_OPGESTART,
            reason=f"Bel {PHONE}",
        )
    assert "reason" in exc.value.message_dict
    vraag.refresh_from_db()
    assert vraag.status == Status.IN_SCREENING
    assert vraag.decision_reason == ""


# --- changing ----------------------------------------------------------------------------------


def test_the_school_changes_its_question_until_the_decision(client, region, filters):
    vraag = register(region)
    log_in(client, region.zorg_a)
    data = fields(leervraag="Een scherpere vraag over begrijpend lezen.")
    response = client.post(url("vraag_change", vraag), data)
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.leervraag == "Een scherpere vraag over begrijpend lezen."
    screen(region, vraag, filters, decision=Status.WACHTLIJST)
    response = client.post(url("vraag_change", vraag), fields(leervraag="Nog anders."))
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.leervraag == "Een scherpere vraag over begrijpend lezen."


# --- screening and decisions -------------------------------------------------------------------


def test_screening_moves_the_question_into_screening(client, region, filters):
    vraag = register(region)
    log_in(client, region.lsc_anker_a)
    data = {f"state_{f.pk}": "met" for f in filters} | {
        f"remark_{filters[1].pk}": "De directie staat achter de vraag."
    }
    response = client.post(url("vraag_screen", vraag), data)
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.status == Status.IN_SCREENING
    rows = list(vraag.beoordelingen.order_by("position"))
    assert [r.filter_name for r in rows] == ["Juiste fase", "Mandaat", "Duurzaamheid"]
    assert rows[1].remark == "De directie staat achter de vraag."
    kinds = list(vraag.gebeurtenissen.values_list("kind", flat=True))
    assert kinds == ["created", "status", "screened"]
    # a second screening updates the rows, does not add any
    data[f"state_{filters[2].pk}"] = "not_yet"
    client.post(url("vraag_screen", vraag), data)
    assert vraag.beoordelingen.count() == 3
    assert vraag.beoordelingen.get(filter_key=filters[2].key).state == "not_yet"


def test_a_filter_state_is_required(client, region, filters):
    vraag = register(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(url("vraag_screen", vraag), {f"state_{filters[0].pk}": "met"})
    assert response.status_code == 400
    assert not FilterBeoordeling.objects.exists()


def test_the_filter_names_are_a_snapshot(region, filters):
    vraag = register(region)
    screen(region, vraag, filters)
    filters[0].name = "Andere naam"
    filters[0].save()
    assert vraag.beoordelingen.get(filter_key=filters[0].key).filter_name == "Juiste fase"


@pytest.mark.parametrize("decision", [Status.OPGESTART, Status.WACHTLIJST])
def test_a_decision_notifies_the_school(region, filters, decision):
    vraag = register(region)
    Notification.objects.all().delete()
    vraag = screen(region, vraag, filters, decision=decision)
    vraag.refresh_from_db()
    assert vraag.status == decision
    assert (vraag.waiting_since is not None) == (decision == Status.WACHTLIJST)
    assert vraag.closed_at is None
    assert set(Notification.objects.values_list("user", flat=True)) == {
        region.directie_a.pk,
        region.zorg_a.pk,
    }


def test_not_starting_needs_a_reason_the_school_reads(client, region, filters):
    vraag = register(region)
    with pytest.raises(ValidationError) as exc:
        screen(region, vraag, filters, decision=Status.NIET_OPGESTART)
    assert "reason" in exc.value.message_dict
    vraag.refresh_from_db()
    assert vraag.status == Status.AANGEMELD  # nothing half-written
    assert not FilterBeoordeling.objects.exists()
    screen(
        region,
        vraag,
        filters,
        state="not_yet",
        decision=Status.NIET_OPGESTART,
        reason="Eerst fase 1 in de klas uitwerken.",
    )
    vraag.refresh_from_db()
    assert vraag.status == Status.NIET_OPGESTART
    assert vraag.decision_reason == "Eerst fase 1 in de klas uitwerken."
    assert vraag.closed_at is not None
    log_in(client, region.zorg_a)
    response = client.get(url("vraag", vraag))
    assert b"Eerst fase 1 in de klas uitwerken." in response.content


def test_the_waiting_list_then_start(region, filters):
    vraag = screen(region, register(region), filters, decision=Status.WACHTLIJST)
    vraag = services.vraag_status(
        vraag=vraag, user=region.lsc_anker_a, access=lsc_access(region), to=Status.OPGESTART
    )
    vraag.refresh_from_db()
    assert vraag.status == Status.OPGESTART
    assert vraag.waiting_since is None


def test_on_hold_restart_and_round_off(client, region, filters):
    vraag = screen(region, register(region), filters, decision=Status.OPGESTART)
    log_in(client, region.lsc_anker_a)
    response = client.post(url("vraag_status", vraag), {"to": "on_hold"})
    vraag.refresh_from_db()
    assert response.status_code == 302
    assert vraag.status == Status.OPGESTART  # a pause needs a reason
    client.post(url("vraag_status", vraag), {"to": "on_hold", "reason": "Leerkracht afwezig."})
    vraag.refresh_from_db()
    assert (vraag.status, vraag.decision_reason) == (Status.ON_HOLD, "Leerkracht afwezig.")
    client.post(url("vraag_status", vraag), {"to": "opgestart"})
    client.post(url("vraag_status", vraag), {"to": "afgerond", "reason": "Doel bereikt."})
    vraag.refresh_from_db()
    assert vraag.status == Status.AFGEROND
    assert vraag.closed_at is not None
    moves = list(
        vraag.gebeurtenissen.filter(kind="status").values_list("from_status", "to_status", "note")
    )
    assert moves[-3:] == [
        ("opgestart", "on_hold", "Leerkracht afwezig."),
        ("on_hold", "opgestart", ""),
        ("opgestart", "afgerond", "Doel bereikt."),
    ]
    response = client.get(url("vraag", vraag))
    assert b"Leerkracht afwezig." in response.content  # the timeline says why


def test_not_started_can_be_screened_again(region, filters):
    vraag = screen(
        region, register(region), filters, decision=Status.NIET_OPGESTART, reason="Te vroeg."
    )
    vraag = services.vraag_status(
        vraag=vraag, user=region.lsc_anker_a, access=lsc_access(region), to=Status.IN_SCREENING
    )
    vraag.refresh_from_db()
    assert vraag.status == Status.IN_SCREENING
    assert vraag.closed_at is None


@pytest.mark.parametrize("to", [Status.AFGEROND, Status.ON_HOLD, Status.AANGEMELD, "verzonnen"])
def test_a_move_the_workflow_does_not_allow_is_refused(region, to):
    vraag = register(region)
    with pytest.raises(ValidationError):
        services.vraag_status(
            vraag=vraag, user=region.lsc_anker_a, access=lsc_access(region), to=to, reason="x"
        )
    vraag.refresh_from_db()
    assert vraag.status == Status.AANGEMELD
    assert vraag.gebeurtenissen.count() == 1


def test_a_refused_move_is_a_message_on_the_page(client, region):
    vraag = register(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(url("vraag_status", vraag), {"to": "afgerond"}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    vraag.refresh_from_db()
    assert vraag.status == Status.AANGEMELD


def test_the_school_does_not_screen_nor_decide(client, region, filters):
    vraag = register(region)
    log_in(client, region.zorg_a)
    assert client.get(url("vraag_screen", vraag)).status_code == 403
    assert client.post(url("vraag_status", vraag), {"to": "in_screening"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.vraag_status(
            vraag=vraag,
            user=region.zorg_a,
            access=user_flags(region.zorg_a, region.dossier_a),
            to=Status.IN_SCREENING,
        )


def test_another_lsc_of_the_school_does_not_decide(region, filters):
    vraag = register(region)
    other_lsc = OrganisationFactory(lsc=True)
    PartnershipFactory(school=region.school_a, partner=other_lsc)
    other = MembershipFactory(organisation=other_lsc, role=Role.LSC_ANKERPERSOON).user
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=other,
        level=AccessLevel.CONTRIBUTE,
    )
    with pytest.raises(PermissionDenied):
        services.vraag_status(
            vraag=vraag,
            user=other,
            access=user_flags(other, region.dossier_a),
            to=Status.IN_SCREENING,
        )


def test_an_lsc_that_no_longer_serves_the_school_gets_404(client, region):
    vraag = register(region)
    partnership = Partnership.objects.get(school=region.school_a, partner=region.lsc_a)
    partnership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    partnership.save()
    log_in(client, region.lsc_anker_a)
    assert client.get(url("vraag", vraag)).status_code == 404
    assert client.post(url("vraag_status", vraag), {"to": "in_screening"}).status_code == 404


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("directie_a", 200, 200),
        ("zorg_a", 200, 200),
        ("lsc_anker_a", 200, 200),
        ("clb_medewerker_a", 200, 403),
        ("pbd_begeleider_a", 404, 404),
        ("leerkracht_a", 404, 404),
        ("platform_admin", 404, 404),
        ("directie_b", 404, 404),
    ],
)
def test_access_per_persona(client, region, persona, read, write):
    vraag = register(region)
    log_in(client, getattr(region, persona))
    assert client.get(url("vragen", dossier=region.dossier_a)).status_code == read
    assert client.get(url("vraag", vraag)).status_code == read
    assert client.get(url("vraag_create", dossier=region.dossier_a)).status_code == write
    assert client.get(url("vraag_change", vraag)).status_code == write


def test_the_detail_page_shows_the_question(client, region, filters, thema):
    vraag = screen(region, register(region, themas=[thema]), filters, decision="wachtlijst")
    log_in(client, region.clb_medewerker_a)
    response = client.get(url("vraag", vraag))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("5B-lezen", "technisch lezen", "Juiste fase", thema.name, "leesouders"):
        assert text in body
    assert 'action="' + url("vraag_status", vraag) not in body  # the CLB only reads


def test_the_sub_navigation_is_on_both_list_pages(client, region):
    log_in(client, region.zorg_a)
    for page in (
        url("vragen", dossier=region.dossier_a),
        url("gesprekken", dossier=region.dossier_a),
    ):
        body = client.get(page).content.decode()
        assert 'class="subnav"' in body
        assert url("vragen", dossier=region.dossier_a) in body


def test_the_list_filters(client, region):
    register(region, label="5B-lezen")
    register(region, label="team-rekenen", level="schoolteam", verslag="")
    log_in(client, region.zorg_a)
    response = client.get(url("vragen", dossier=region.dossier_a), {"level": "schoolteam"})
    assert [v.label for v in response.context["page"].object_list] == ["team-rekenen"]
    response = client.get(url("vragen", dossier=region.dossier_a), {"status": "verzonnen"})
    assert response.status_code == 400


def test_the_list_costs_the_same_at_5_and_40_questions(client, region, thema):
    other = Thema.objects.create(name="Rekenen (vragen)", position=2)
    counts = []
    for size in (5, 40):
        Leersteunvraag.objects.all().delete()
        for index in range(size):
            register(region, label=f"groep-{index}", themas=[thema, other])
        log_in(client, region.zorg_a)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("vragen", dossier=region.dossier_a))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
