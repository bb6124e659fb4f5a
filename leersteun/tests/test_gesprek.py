"""The samenwerkingsgesprek in a school's dossier: starting, answering, holding, closing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from leersteun.models import Antwoord, Gesprek, GesprekAfspraak, Vraag
from leersteun.services import gesprek as services
from leersteun.tests.factories import (
    OnderdeelFactory,
    SjabloonFactory,
    SjabloonVersieFactory,
    VraagFactory,
)
from samenwerking.schoolyear import school_year_of

WIFI = "wifi-Kx9!geheim"


def this_year():
    return school_year_of(timezone.localdate())


def last_year():
    return services.previous_school_year(this_year())


@pytest.fixture
def template(region):
    """LSC A's own published template: one part per side, every kind, a confidential code."""
    versie = SjabloonVersieFactory(
        sjabloon=SjabloonFactory(lsc=region.lsc_a, name="Gesprek LSC A"), published=True
    )
    school = OnderdeelFactory(versie=versie, position=0, title="Eigenheid van de school")
    practical = OnderdeelFactory(versie=versie, position=1, title="Praktisch")
    lsc = OnderdeelFactory(versie=versie, position=2, title="Werking van het LSC")
    q = {
        "name": VraagFactory(onderdeel=practical, text="Naam school", prefill="school_name"),
        "priority": VraagFactory(onderdeel=school, text="Prioriteit dit jaar", kind="long_text"),
        "reports": VraagFactory(onderdeel=school, text="Aantal IAC-verslagen", kind="number"),
        "inclusive": VraagFactory(onderdeel=school, text="Open voor inclusie?", kind="yes_no"),
        "team": VraagFactory(onderdeel=school, text="Zorgteam", kind="people"),
        "holidays": VraagFactory(onderdeel=practical, text="Vrije dagen", kind="terms"),
        "wifi": VraagFactory(onderdeel=practical, text="Wificode", confidential=True),
        "start": VraagFactory(onderdeel=practical, text="Eerste schooldag", kind="date"),
        "level": VraagFactory(
            onderdeel=lsc, text="Niveau", kind="choice", filled_by=Vraag.FilledBy.LSC
        ),
        "anchors": VraagFactory(
            onderdeel=lsc,
            text="Ankerpersonen",
            kind="people",
            filled_by=Vraag.FilledBy.LSC,
            prefill="ankerpersonen",
        ),
    }
    return versie, q


def start(region, *, school_year=None):
    return services.gesprek_start(
        dossier=region.dossier_a,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, region.dossier_a),
        school_year=school_year,
    )


def save(region, user, gesprek, values):
    return services.answers_save(
        gesprek=gesprek, user=user, access=user_flags(user, region.dossier_a), values=values
    )


def url(name, gesprek, **kwargs):
    return reverse(
        f"leersteun:{name}", kwargs={"pk": gesprek.dossier_id, "gesprek_pk": gesprek.pk, **kwargs}
    )


# --- starting -----------------------------------------------------------------------------------


def test_the_ankerpersoon_starts_the_conversation_prefilled(client, region, template):
    versie, q = template
    log_in(client, region.lsc_anker_a)
    response = client.post(reverse("leersteun:gesprek_start", kwargs={"pk": region.dossier_a.pk}))
    gesprek = Gesprek.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("gesprek", gesprek)
    assert (gesprek.lsc, gesprek.school_year, gesprek.versie) == (region.lsc_a, this_year(), versie)
    answers = {a.vraag_id: a for a in gesprek.antwoorden.all()}
    assert len(answers) == len(q)
    assert answers[q["name"].pk].value == region.school_a.name
    assert answers[q["name"].pk].origin == Antwoord.Origin.PLATFORM
    assert [p["contact"] for p in answers[q["anchors"].pk].value] == [region.lsc_anker_a.email]
    assert answers[q["priority"].pk].value is None
    assert AuditEvent.objects.filter(action="gesprek_started", dossier=region.dossier_a).exists()


def test_a_second_conversation_in_the_same_year_is_refused(client, region, template):
    start(region)
    with pytest.raises(ValidationError, match="heeft al een samenwerkingsgesprek"):
        start(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(
        reverse("leersteun:gesprek_start", kwargs={"pk": region.dossier_a.pk}), follow=True
    )
    assert "heeft al een samenwerkingsgesprek" in response.content.decode()
    assert Gesprek.objects.count() == 1


def test_only_the_lsc_starts_a_conversation(client, region, template):
    with pytest.raises(PermissionDenied):
        services.gesprek_start(
            dossier=region.dossier_a,
            user=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
        )
    log_in(client, region.directie_a)
    response = client.post(reverse("leersteun:gesprek_start", kwargs={"pk": region.dossier_a.pk}))
    assert response.status_code == 403
    assert not Gesprek.objects.exists()


def test_an_ended_partnership_ends_the_right_to_start(region, template):
    from accounts.models import Partnership

    Partnership.objects.filter(school=region.school_a, partner=region.lsc_a).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    access = user_flags(region.lsc_anker_a, region.dossier_a)
    assert not access.has_any
    with pytest.raises(PermissionDenied):
        services.gesprek_start(dossier=region.dossier_a, user=region.lsc_anker_a, access=access)


def test_last_years_answers_are_carried_and_marked(client, region, template):
    _versie, q = template
    earlier = start(region, school_year=last_year())
    save(region, region.zorg_a, earlier, {q["priority"].pk: "Lezen en taal", q["reports"].pk: "4"})
    gesprek = start(region)
    carried = gesprek.antwoorden.get(vraag=q["priority"])
    assert (carried.value, carried.origin, carried.carried_from) == (
        "Lezen en taal",
        Antwoord.Origin.CARRIED,
        last_year(),
    )
    assert gesprek.previous == earlier
    # the school confirms one and changes the other: the changed one shows as changed
    services.answer_confirm(
        gesprek=gesprek,
        vraag_id=q["priority"].pk,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
    )
    save(region, region.zorg_a, gesprek, {q["reports"].pk: "6"})
    log_in(client, region.zorg_a)
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "gewijzigd sinds vorig jaar" in page
    confirmed = gesprek.antwoorden.get(vraag=q["priority"])
    assert (confirmed.origin, confirmed.carried_from, confirmed.answered_by) == (
        Antwoord.Origin.ANSWERED,
        "",
        region.zorg_a,
    )


def test_editing_the_template_never_changes_a_held_conversation(region, template):
    versie, q = template
    gesprek = start(region)
    draft = SjabloonVersieFactory(sjabloon=versie.sjabloon, based_on=versie)
    VraagFactory(onderdeel=OnderdeelFactory(versie=draft), text="Nieuwe vraag")
    draft.published_at = timezone.now()
    draft.save()
    gesprek.refresh_from_db()
    assert gesprek.versie == versie
    assert gesprek.antwoorden.count() == len(q)


# --- answering ----------------------------------------------------------------------------------


def test_the_school_fills_in_its_part(client, region, template):
    _versie, q = template
    gesprek = start(region)
    part = q["priority"].onderdeel
    log_in(client, region.zorg_a)
    page = client.get(url("gesprek_part", gesprek, onderdeel_pk=part.pk)).content.decode()
    assert f'name="q_{q["priority"].pk}"' in page
    response = client.post(
        url("gesprek_part", gesprek, onderdeel_pk=part.pk),
        {
            f"q_{q['priority'].pk}": "Welbevinden",
            f"q_{q['reports'].pk}": "3",
            f"q_{q['inclusive'].pk}": "yes",
            f"q_{q['team'].pk}_name_0": "An Peeters",
            f"q_{q['team'].pk}_function_0": "zorgcoördinator",
            f"q_{q['team'].pk}_contact_0": "an@linde.be",
        },
    )
    assert response.status_code == 302
    values = {a.vraag_id: a for a in gesprek.antwoorden.all()}
    assert values[q["priority"].pk].value == "Welbevinden"
    assert values[q["reports"].pk].value == 3
    assert values[q["inclusive"].pk].value is True
    assert values[q["team"].pk].value == [
        {"name": "An Peeters", "function": "zorgcoördinator", "contact": "an@linde.be"}
    ]
    assert values[q["priority"].pk].answered_by == region.zorg_a
    assert values[q["priority"].pk].answered_side == "school"
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "Welbevinden" in page and "An Peeters" in page


def test_a_wrong_answer_saves_nothing(client, region, template):
    _versie, q = template
    gesprek = start(region)
    part = q["priority"].onderdeel
    log_in(client, region.zorg_a)
    response = client.post(
        url("gesprek_part", gesprek, onderdeel_pk=part.pk),
        {f"q_{q['priority'].pk}": "Welbevinden", f"q_{q['reports'].pk}": "veel"},
    )
    assert response.status_code == 400
    assert "Dit antwoord is een getal." in response.content.decode()
    assert gesprek.antwoorden.get(vraag=q["priority"]).value is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("reports", "1e99"),
        ("reports", True),
        ("inclusive", "misschien"),
        ("level", "Iets anders"),
        ("team", "An"),
        ("team", [{"function": "zonder naam"}]),
        ("holidays", ["1", "2"]),
        ("start", "31/02/2026"),
        ("priority", "x" * 6000),
        ("priority", "nul\x00byte"),
    ],
)
def test_an_answer_of_the_wrong_kind_is_refused_in_dutch(region, template, key, value):
    _versie, q = template
    gesprek = start(region)
    user = region.lsc_anker_a if q[key].filled_by == "lsc" else region.zorg_a
    with pytest.raises(ValidationError) as caught:
        save(region, user, gesprek, {q[key].pk: value})
    assert caught.value.messages
    assert gesprek.antwoorden.get(vraag=q[key]).answered_by is None


def test_each_side_fills_in_only_its_own_questions(region, template):
    _versie, q = template
    gesprek = start(region)
    with pytest.raises(PermissionDenied):
        save(region, region.lsc_anker_a, gesprek, {q["priority"].pk: "Niet van mij"})
    with pytest.raises(PermissionDenied):
        save(region, region.zorg_a, gesprek, {q["level"].pk: "Ja"})
    assert save(region, region.lsc_anker_a, gesprek, {q["level"].pk: "Ja"}) == 1


def test_the_clb_reads_but_never_writes_nor_sees_the_codes(client, region, template):
    _versie, q = template
    gesprek = start(region)
    save(region, region.zorg_a, gesprek, {q["wifi"].pk: WIFI, q["priority"].pk: "Lezen"})
    log_in(client, region.clb_medewerker_a)
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "Lezen" in page and WIFI not in page
    assert client.post(url("answer_reveal", gesprek, vraag_pk=q["wifi"].pk)).status_code == 404
    part = q["priority"].onderdeel
    assert client.get(url("gesprek_part", gesprek, onderdeel_pk=part.pk)).status_code == 403
    assert not AuditEvent.objects.filter(action="gesprek_confidential_revealed").exists()


def test_a_confidential_answer_is_masked_until_shown_and_the_showing_is_logged(
    client, region, template
):
    _versie, q = template
    gesprek = start(region)
    save(region, region.zorg_a, gesprek, {q["wifi"].pk: WIFI})
    log_in(client, region.lsc_anker_a)
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert WIFI not in page and "••••••" in page
    shown = client.post(
        url("answer_reveal", gesprek, vraag_pk=q["wifi"].pk), HTTP_HX_REQUEST="true"
    )
    assert shown.status_code == 200 and WIFI in shown.content.decode()
    event = AuditEvent.objects.get(action="gesprek_confidential_revealed")
    assert (event.actor, event.dossier) == (region.lsc_anker_a, region.dossier_a)
    # a question that is not confidential is not "shown" this way
    assert client.post(url("answer_reveal", gesprek, vraag_pk=q["priority"].pk)).status_code == 404


@pytest.mark.parametrize("persona", ["pbd_begeleider_a", "directie_b", "platform_admin"])
def test_outsiders_get_404(client, region, template, persona):
    gesprek = start(region)
    log_in(client, getattr(region, persona))
    assert client.get(url("gesprek", gesprek)).status_code == 404
    assert (
        client.get(reverse("leersteun:gesprekken", kwargs={"pk": region.dossier_a.pk})).status_code
        == 404
    )


# --- planning, holding, closing -------------------------------------------------------------------


def test_plan_hold_close_then_only_corrections(client, region, template):
    _versie, q = template
    gesprek = start(region)
    save(region, region.zorg_a, gesprek, {q["priority"].pk: "Lezen"})
    log_in(client, region.lsc_anker_a)
    response = client.post(
        url("gesprek_plan", gesprek),
        {
            "date": "15/01/2027",
            "time": "14:30",
            "place": "Refter",
            "school_participants": "Directie",
        },
    )
    assert response.status_code == 302
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.GEPLAND
    assert timezone.localtime(gesprek.planned_for).strftime("%d/%m/%Y %H:%M") == "15/01/2027 14:30"
    # closing before it was held is refused with a message
    client.post(url("gesprek_status", gesprek), {"to": "afgerond"})
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.GEPLAND
    client.post(url("gesprek_status", gesprek), {"to": "gehouden"})
    client.post(url("gesprek_status", gesprek), {"to": "afgerond"})
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.AFGEROND and gesprek.closed_by == region.lsc_anker_a
    # read-only now
    with pytest.raises(ValidationError, match="afgerond"):
        save(region, region.zorg_a, gesprek, {q["priority"].pk: "Rekenen"})
    log_in(client, region.zorg_a)
    part = client.get(url("gesprek_part", gesprek, onderdeel_pk=q["priority"].onderdeel_id))
    assert part.status_code == 302
    # a correction keeps the earlier text and its reason
    response = client.post(
        url("answer_correct", gesprek, vraag_pk=q["priority"].pk),
        {"answer": "Lezen en rekenen", "reason": "Rekenen vergeten"},
    )
    assert response.status_code == 302
    antwoord = gesprek.antwoorden.get(vraag=q["priority"])
    assert antwoord.value == "Lezen en rekenen"
    earlier = antwoord.versies.get()
    assert (earlier.value, earlier.correction, earlier.reason) == (
        "Lezen",
        True,
        "Rekenen vergeten",
    )
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "Rekenen vergeten" in page and "Lezen en rekenen" in page


def test_a_correction_needs_a_reason(client, region, template):
    _versie, q = template
    gesprek = start(region)
    Gesprek.objects.filter(pk=gesprek.pk).update(status=Gesprek.Status.AFGEROND)
    log_in(client, region.zorg_a)
    response = client.post(
        url("answer_correct", gesprek, vraag_pk=q["priority"].pk), {"answer": "Iets", "reason": " "}
    )
    assert response.status_code == 400
    assert gesprek.antwoorden.get(vraag=q["priority"]).value is None


# --- agreements -----------------------------------------------------------------------------------


def test_agreements_are_evaluated_next_year(client, region, template):
    earlier = start(region, school_year=last_year())
    afspraak = services.afspraak_add(
        gesprek=earlier,
        user=region.lsc_anker_a,
        access=user_flags(region.lsc_anker_a, region.dossier_a),
        what="Twee keer per trimester overleg met het zorgteam",
        partner="both",
    )
    gesprek = start(region)
    log_in(client, region.zorg_a)
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "Twee keer per trimester overleg" in page
    client.post(
        url("afspraak_evaluate", gesprek, afspraak_pk=afspraak.pk),
        {"outcome": "ongoing", "remark": "Tweede trimester nog te plannen"},
    )
    afspraak.refresh_from_db()
    assert (afspraak.outcome, afspraak.evaluated_in, afspraak.evaluated_by) == (
        "ongoing",
        gesprek,
        region.zorg_a,
    )
    # this year's own agreement cannot be "evaluated" as last year's
    own = services.afspraak_add(
        gesprek=gesprek,
        user=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        what="Folder voor ouders",
        partner="school",
    )
    assert (
        client.post(
            url("afspraak_evaluate", gesprek, afspraak_pk=own.pk), {"outcome": "done"}
        ).status_code
        == 404
    )


def test_an_agreement_becomes_a_samenwerkingsafspraak(client, region, template):
    from dossier.afspraken.models import Samenwerkingsafspraak

    gesprek = start(region)
    log_in(client, region.lsc_anker_a)
    response = client.post(
        url("afspraak_add", gesprek),
        {
            "what": "Het LSC geeft een teamvorming over UDL",
            "partner": "lsc",
            "due_date": "30/06/2027",
        },
    )
    assert response.status_code == 302
    afspraak = GesprekAfspraak.objects.get()
    response = client.post(
        url("afspraak_promote", gesprek, afspraak_pk=afspraak.pk),
        {"title": "Teamvorming UDL", "evaluation_date": "30/06/2027"},
    )
    assert response.status_code == 302
    afspraak.refresh_from_db()
    made = afspraak.samenwerkingsafspraak
    assert made.title == "Teamvorming UDL"
    assert made.status == Samenwerkingsafspraak.Status.DRAFT
    assert (made.for_lsc, made.for_clb, made.for_pbd) == (True, False, False)
    assert list(made.gesprek_afspraken.all()) == [afspraak]
    # a second time is refused
    client.post(
        url("afspraak_promote", gesprek, afspraak_pk=afspraak.pk),
        {"title": "Nog eens", "evaluation_date": "30/06/2027"},
    )
    assert Samenwerkingsafspraak.objects.count() == 1
    page = client.get(url("gesprek", gesprek)).content.decode()
    assert "Teamvorming UDL" in page


# --- query budget ---------------------------------------------------------------------------------


def _questions(versie, count):
    parts = [OnderdeelFactory(versie=versie, position=i) for i in range(5)]
    for index in range(count):
        VraagFactory(
            onderdeel=parts[index % 5],
            kind=["short_text", "long_text", "people", "terms", "yes_no"][index % 5],
            confidential=index % 9 == 0,
            filled_by="lsc" if index % 4 == 0 else "school",
        )


@pytest.mark.parametrize("persona", ["zorg_a", "lsc_anker_a", "clb_medewerker_a"])
def test_the_conversation_page_costs_the_same_for_10_and_80_questions(client, region, persona):
    counts = []
    for size in (10, 80):
        Gesprek.objects.all().delete()
        versie = SjabloonVersieFactory(sjabloon=_own_template(region), published=True)
        _questions(versie, size)
        gesprek = start(region)
        for antwoord in gesprek.antwoorden.select_related("vraag"):
            antwoord.value = {
                "people": [{"name": "An", "function": "", "contact": ""}],
                "terms": {"1": "a", "2": "", "3": ""},
                "yes_no": True,
            }.get(antwoord.vraag.kind, "tekst")
            antwoord.answered_by = region.zorg_a
            antwoord.save()
        log_in(client, getattr(region, persona))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("gesprek", gesprek))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def _own_template(region):
    from leersteun.models import Sjabloon

    sjabloon, _ = Sjabloon.objects.get_or_create(lsc=region.lsc_a, defaults={"name": "LSC A"})
    return sjabloon


def test_saving_a_part_can_confirm_the_carried_answers_left_unchanged(client, region, template):
    _versie, q = template
    earlier = start(region, school_year=last_year())
    save(region, region.zorg_a, earlier, {q["priority"].pk: "Lezen", q["reports"].pk: "4"})
    gesprek = start(region)
    part = q["priority"].onderdeel
    log_in(client, region.zorg_a)
    form = client.get(url("gesprek_part", gesprek, onderdeel_pk=part.pk)).content.decode()
    assert "te bevestigen" in form and 'name="confirm_unchanged"' in form
    client.post(
        url("gesprek_part", gesprek, onderdeel_pk=part.pk),
        {f"q_{q['priority'].pk}": "Lezen", f"q_{q['reports'].pk}": "5", "confirm_unchanged": "1"},
    )
    answers = {a.vraag_id: a for a in gesprek.antwoorden.all()}
    assert answers[q["priority"].pk].origin == Antwoord.Origin.ANSWERED
    assert answers[q["priority"].pk].value == "Lezen"
    assert answers[q["reports"].pk].value == 5


def test_without_the_box_an_unchanged_carried_answer_stays_to_confirm(client, region, template):
    _versie, q = template
    earlier = start(region, school_year=last_year())
    save(region, region.zorg_a, earlier, {q["priority"].pk: "Lezen"})
    gesprek = start(region)
    log_in(client, region.zorg_a)
    client.post(
        url("gesprek_part", gesprek, onderdeel_pk=q["priority"].onderdeel_id),
        {f"q_{q['priority'].pk}": "Lezen"},
    )
    assert gesprek.antwoorden.get(vraag=q["priority"]).origin == Antwoord.Origin.CARRIED
