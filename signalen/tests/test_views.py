"""The signal pages through the test client, as the personas of the access rules."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dossier.core.access import user_flags
from dossier.core.services import AccessLevel
from dossier.meldingen.models import Notification
from samenwerking.schoolyear import school_year_of
from signalen.models import Aanvulling, AanvullingVersie, Gebeurtenis, Signaal
from signalen.tests.factories import (
    AanvullingFactory,
    BronFactory,
    SignaalFactory,
    ThemaFactory,
    clb_medewerker,
    school_served_by,
)
from signalen.workflow import QUESTION, Kind, Status

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "signal-results"}


def today():
    return timezone.localdate()


def this_year():
    return school_year_of(today())


def last_year():
    start = int(this_year()[:4]) - 1
    return f"{start}-{start + 1}"


def create_url(dossier):
    return reverse("signalen:create", kwargs={"pk": dossier.pk})


def list_url(dossier):
    return reverse("signalen:list", kwargs={"pk": dossier.pk})


def detail_url(dossier, signaal):
    return reverse("signalen:detail", kwargs={"pk": dossier.pk, "signaal_pk": signaal.pk})


def signal_urls(dossier, signaal):
    kwargs = {"pk": dossier.pk, "signaal_pk": signaal.pk}
    return {
        name: reverse(f"signalen:{name}", kwargs=kwargs)
        for name in ("detail", "edit", "aanvulling_add", "status")
    }


def titles(response):
    return {signaal.title for signaal in response.context["page"].object_list}


def in_a(region, **kwargs):
    """A signal in school A's dossier, logged by the CLB medewerker."""
    return SignaalFactory(dossier=region.dossier_a, author=region.clb_medewerker_a, **kwargs)


@pytest.fixture
def thema_bron():
    return ThemaFactory(name="Pesten (test)"), BronFactory(name="Ouders (test)")


def valid_post(thema, bron, **overrides):
    data = {
        "title": "Meer meldingen van pesten",
        "text": "Zes ouders meldden pesten sinds de herfstvakantie.",
        "thema": thema.pk,
        "bron": bron.pk,
        "school_year": this_year(),
        "follow_up_date": "15/01/2027",
    }
    return data | overrides


# --- logging a signal ------------------------------------------------------------------------


def test_clb_medewerker_logs_a_signal_and_lands_on_it(client, region, thema_bron):
    thema, bron = thema_bron
    client.force_login(region.clb_medewerker_a)
    response = client.get(create_url(region.dossier_a))
    assert response.status_code == 200
    response = client.post(create_url(region.dossier_a), valid_post(thema, bron))
    signaal = Signaal.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(region.dossier_a, signaal)
    assert signaal.title == "Meer meldingen van pesten"
    assert (signaal.thema, signaal.bron) == (thema, bron)
    assert signaal.school_year == this_year()
    assert signaal.follow_up_date == datetime.date(2027, 1, 15)
    assert signaal.author == region.clb_medewerker_a
    assert signaal.author_organisation == region.clb_a
    assert signaal.dossier == region.dossier_a
    assert signaal.gebeurtenissen.get().kind == Gebeurtenis.Kind.CREATED
    # the redirect target shows it
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Meer meldingen van pesten" in page.content.decode()
    assert "15/01/2027" in page.content.decode()


def test_follow_up_date_is_optional(client, region, thema_bron):
    client.force_login(region.zorg_a)
    response = client.post(create_url(region.dossier_a), valid_post(*thema_bron, follow_up_date=""))
    assert response.status_code == 302
    signaal = Signaal.objects.get()
    assert signaal.follow_up_date is None
    assert signaal.author_organisation == region.school_a


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 161),
        ("text", ""),
        ("text", "x" * 2001),
        ("thema", "999999"),
        ("thema", "abc"),
        ("bron", "999999"),
        ("follow_up_date", "31/02/2027"),
        ("follow_up_date", "2027-15-01"),
        ("school_year", "2010-2011"),
        ("school_year", "2025-2027"),
    ],
)
def test_invalid_signal_gives_400_with_errors_and_writes_nothing(
    client, region, thema_bron, field, value
):
    client.force_login(region.clb_medewerker_a)
    data = valid_post(*thema_bron) | {field: value}
    response = client.post(create_url(region.dossier_a), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "field-error" in response.content.decode()
    assert not Signaal.objects.exists()
    assert not Notification.objects.exists()


def test_an_inactive_thema_cannot_be_chosen(client, region):
    thema = ThemaFactory(is_active=False)
    client.force_login(region.clb_medewerker_a)
    response = client.post(create_url(region.dossier_a), valid_post(thema, BronFactory()))
    assert response.status_code == 400
    assert "thema" in response.context["form"].errors


def test_pbd_may_not_log_and_lsc_does_not_see_the_page(client, region, thema_bron):
    client.force_login(region.pbd_begeleider_a)
    assert client.post(create_url(region.dossier_a), valid_post(*thema_bron)).status_code == 403
    client.force_login(region.lsc_anker_a)
    assert client.post(create_url(region.dossier_a), valid_post(*thema_bron)).status_code == 404
    assert not Signaal.objects.exists()


def test_correcting_a_signal_through_the_edit_page(client, region):
    signaal = in_a(region, title="Oude titel")
    client.force_login(region.zorg_a)
    url = signal_urls(region.dossier_a, signaal)["edit"]
    response = client.get(url)
    assert response.status_code == 200
    assert "Oude titel" in response.content.decode()
    data = valid_post(signaal.thema, signaal.bron, title="Nieuwe titel")
    data["school_year"] = signaal.school_year
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == detail_url(region.dossier_a, signaal)
    signaal.refresh_from_db()
    assert signaal.title == "Nieuwe titel"
    assert signaal.gebeurtenissen.get(kind=Gebeurtenis.Kind.EDITED).old_title == "Oude titel"


# --- supplements and status ------------------------------------------------------------------


def test_zorgcoordinator_adds_a_duiding_and_the_signal_is_under_discussion(client, region):
    signaal = in_a(region)
    client.force_login(region.zorg_a)
    url = signal_urls(region.dossier_a, signaal)["aanvulling_add"]
    response = client.post(url, {"kind": Kind.DUIDING, "text": "Vooral op de speelplaats."})
    aanvulling = Aanvulling.objects.get()
    assert response.status_code == 302
    assert response.url == f"{detail_url(region.dossier_a, signaal)}#aanvulling-{aanvulling.pk}"
    assert aanvulling.author == region.zorg_a
    assert aanvulling.author_organisation == region.school_a
    signaal.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING
    page = client.get(detail_url(region.dossier_a, signaal)).content.decode()
    assert "Vooral op de speelplaats." in page
    assert f'id="aanvulling-{aanvulling.pk}"' in page


@pytest.mark.parametrize(
    "data", [{"kind": "duiding", "text": ""}, {"kind": "zomaar", "text": "Tekst"}, {}]
)
def test_invalid_supplement_gives_400_and_writes_nothing(client, region, data):
    signaal = in_a(region)
    client.force_login(region.zorg_a)
    response = client.post(signal_urls(region.dossier_a, signaal)["aanvulling_add"], data)
    assert response.status_code == 400
    assert response.context["aanvulling_form"].errors
    assert not Aanvulling.objects.exists()
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW


def test_adding_to_a_closed_signal_gives_400(client, region):
    signaal = in_a(region, status=Status.AFGESLOTEN)
    client.force_login(region.zorg_a)
    response = client.post(
        signal_urls(region.dossier_a, signaal)["aanvulling_add"],
        {"kind": Kind.DUIDING, "text": "Tekst"},
    )
    assert response.status_code == 400
    assert response.context["aanvulling_form"].non_field_errors()
    assert not Aanvulling.objects.exists()


def test_status_change_through_the_form(client, region):
    signaal = in_a(region)
    client.force_login(region.clb_medewerker_a)
    response = client.post(
        signal_urls(region.dossier_a, signaal)["status"],
        {"to_status": Status.AFSPRAKEN, "note": "Besproken op het MDO"},
    )
    assert response.status_code == 302
    assert response.url == detail_url(region.dossier_a, signaal)
    signaal.refresh_from_db()
    assert signaal.status == Status.AFSPRAKEN
    event = signaal.gebeurtenissen.get(kind=Gebeurtenis.Kind.STATUS)
    assert (event.from_status, event.to_status, event.note) == (
        Status.NIEUW,
        Status.AFSPRAKEN,
        "Besproken op het MDO",
    )
    page = client.get(response.url).content.decode()
    assert "Besproken op het MDO" in page


@pytest.mark.parametrize("to_status", [Status.OPVOLGING, Status.NIEUW, "weg", ""])
def test_status_change_outside_the_table_gives_400(client, region, to_status):
    signaal = in_a(region)
    client.force_login(region.clb_medewerker_a)
    response = client.post(
        signal_urls(region.dossier_a, signaal)["status"], {"to_status": to_status}
    )
    assert response.status_code == 400
    assert "to_status" in response.context["status_form"].errors
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW


def test_closed_signal_offers_only_reopening(client, region):
    signaal = in_a(region, status=Status.AFGESLOTEN)
    client.force_login(region.zorg_a)
    response = client.get(detail_url(region.dossier_a, signaal))
    field = response.context["status_form"].fields["to_status"]
    # besides the empty "choose" option, only reopening into discussion is offered
    assert [value for value, _label in field.choices if value] == [Status.IN_BESPREKING]
    response = client.post(
        signal_urls(region.dossier_a, signaal)["status"], {"to_status": Status.IN_BESPREKING}
    )
    assert response.status_code == 302
    signaal.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING


def test_pbd_reads_but_may_not_add_or_move(client, region):
    signaal = in_a(region)
    client.force_login(region.pbd_begeleider_a)
    urls = signal_urls(region.dossier_a, signaal)
    response = client.get(urls["detail"])
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert f'action="{urls["aanvulling_add"]}"' not in response.content.decode()
    assert client.post(urls["aanvulling_add"], {"kind": "duiding", "text": "x"}).status_code == 403
    assert client.post(urls["status"], {"to_status": Status.AFGESLOTEN}).status_code == 403
    assert not Aanvulling.objects.exists()
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW


def test_correcting_a_supplement_through_the_page(client, region):
    signaal = in_a(region)
    aanvulling = AanvullingFactory(signaal=signaal, author=region.zorg_a, text="Eerste tekst")
    url = reverse(
        "signalen:aanvulling_correct",
        kwargs={
            "pk": region.dossier_a.pk,
            "signaal_pk": signaal.pk,
            "aanvulling_pk": aanvulling.pk,
        },
    )
    client.force_login(region.clb_medewerker_a)
    assert client.post(url, {"text": "Anders"}).status_code == 403
    client.force_login(region.zorg_a)
    assert client.post(url, {"text": "Eerste tekst"}).status_code == 400
    response = client.post(url, {"text": "Verbeterde tekst"})
    assert response.status_code == 302
    aanvulling.refresh_from_db()
    assert aanvulling.text == "Verbeterde tekst"
    assert AanvullingVersie.objects.get().text == "Eerste tekst"
    page = client.get(detail_url(region.dossier_a, signaal)).content.decode()
    assert "Verbeterde tekst" in page and "Eerste tekst" in page


# --- a signal of another school's dossier ----------------------------------------------------


@pytest.fixture
def other_school_signal(region):
    """A signal in a second school that CLB A also serves, where its medewerker has a grant."""
    school, _directie = school_served_by(
        region.clb_a, grant_to=[region.clb_medewerker_a], name="Basisschool Het Anker"
    )
    signaal = SignaalFactory(
        dossier=school.dossier, author=region.clb_medewerker_a, title="Signaal van Het Anker"
    )
    return school, signaal


def test_a_tampered_signal_id_gives_404_even_to_someone_who_reads_both(
    client, region, other_school_signal
):
    school, signaal = other_school_signal
    aanvulling = AanvullingFactory(signaal=signaal, text="Eerste")
    client.force_login(region.clb_medewerker_a)
    # the medewerker reads and writes the signal in its own dossier ...
    assert client.get(detail_url(school.dossier, signaal)).status_code == 200
    # ... but not through school A's dossier
    urls = signal_urls(region.dossier_a, signaal)
    assert client.get(urls["detail"]).status_code == 404
    assert client.get(urls["edit"]).status_code == 404
    assert client.post(urls["aanvulling_add"], {"kind": "advies", "text": "x"}).status_code == 404
    assert client.post(urls["status"], {"to_status": Status.AFGESLOTEN}).status_code == 404
    a_signal = in_a(region)
    correct = reverse(
        "signalen:aanvulling_correct",
        kwargs={
            "pk": region.dossier_a.pk,
            "signaal_pk": a_signal.pk,
            "aanvulling_pk": aanvulling.pk,
        },
    )
    assert client.post(correct, {"text": "Anders"}).status_code == 404
    signaal.refresh_from_db()
    aanvulling.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING
    assert signaal.aanvullingen.count() == 1
    assert aanvulling.text == "Eerste"


def test_someone_without_access_to_the_other_school_gets_404(client, region, other_school_signal):
    school, signaal = other_school_signal
    client.force_login(region.zorg_a)
    assert client.get(detail_url(school.dossier, signaal)).status_code == 404
    assert client.get(detail_url(region.dossier_a, signaal)).status_code == 404


# --- the detail page -------------------------------------------------------------------------


def test_detail_shows_the_four_questions_and_what_is_still_open(client, region):
    signaal = in_a(region, title="Pesten op de speelplaats")
    AanvullingFactory(signaal=signaal, author=region.zorg_a, kind=Kind.DUIDING, text="Duiding 1")
    AanvullingFactory(signaal=signaal, kind=Kind.DUIDING, text="Duiding twee")
    AanvullingFactory(signaal=signaal, kind=Kind.AFSPRAAK, text="Afspraak een")
    AanvullingFactory(signaal=signaal, kind=Kind.OPMERKING, text="Een opmerking")
    client.force_login(region.directie_a)
    response = client.get(detail_url(region.dossier_a, signaal))
    assert response.status_code == 200
    content = response.content.decode()
    story = response.context["story"]
    answers = {kind: latest for kind, _question, latest in story.answers}
    assert list(answers) == [Kind.DUIDING, Kind.ADVIES, Kind.AFSPRAAK, Kind.STAND_VAN_ZAKEN]
    # the latest supplement answers its question
    assert answers[Kind.DUIDING].text == "Duiding twee"
    assert answers[Kind.AFSPRAAK].text == "Afspraak een"
    assert answers[Kind.ADVIES] is None and answers[Kind.STAND_VAN_ZAKEN] is None
    assert story.open_questions == [QUESTION[Kind.ADVIES], QUESTION[Kind.STAND_VAN_ZAKEN]]
    with translation.override("nl-be"):
        for kind in (Kind.DUIDING, Kind.ADVIES, Kind.AFSPRAAK, Kind.STAND_VAN_ZAKEN):
            assert html.escape(str(QUESTION[kind])) in content
    assert content.count('class="question question--open"') == 2
    assert content.count('class="question"') == 2
    # the timeline holds every supplement and the events, in time order
    for text in ("Duiding 1", "Duiding twee", "Afspraak een", "Een opmerking"):
        assert text in content
    kinds = [entry.aanvulling.kind if entry.aanvulling else "event" for entry in story.entries]
    assert kinds == ["event", "duiding", "event", "duiding", "afspraak", "event", "opmerking"]
    assert "Pesten op de speelplaats" in content


def test_detail_marks_an_overdue_follow_up(client, region):
    signaal = in_a(region, follow_up_date=today() - datetime.timedelta(days=1))
    client.force_login(region.zorg_a)
    response = client.get(detail_url(region.dossier_a, signaal))
    assert response.context["story"].overdue
    assert 'class="overdue"' in response.content.decode()


def test_lsc_does_not_see_signals(client, region):
    signaal = in_a(region)
    client.force_login(region.lsc_anker_a)
    assert client.get(detail_url(region.dossier_a, signaal)).status_code == 404
    assert client.get(list_url(region.dossier_a)).status_code == 404


# --- the dossier's list and its filters ------------------------------------------------------


@pytest.fixture
def listed(region):
    """Signals in school A's dossier that differ in one filterable thing each."""
    t1, t2 = ThemaFactory(name="Thema een"), ThemaFactory(name="Thema twee")
    b1, b2 = BronFactory(name="Bron een"), BronFactory(name="Bron twee")
    past = today() - datetime.timedelta(days=3)
    future = today() + datetime.timedelta(days=30)
    signals = {
        "pesten": in_a(region, title="Pesten op de speelplaats", thema=t1, bron=b1),
        "vorig": in_a(
            region,
            title="Afwezigheden vorig jaar",
            text="Meer spijbelen na de krokusvakantie",
            thema=t2,
            bron=b2,
            school_year=last_year(),
            status=Status.AFGESLOTEN,
        ),
        "te_laat": in_a(
            region,
            title="Opvolging te laat",
            thema=t1,
            bron=b2,
            follow_up_date=past,
            status=Status.IN_BESPREKING,
        ),
        "gesloten_te_laat": in_a(
            region,
            title="Gesloten maar oud",
            thema=t2,
            bron=b1,
            follow_up_date=past,
            status=Status.AFGESLOTEN,
        ),
        "later": in_a(region, title="Later op te volgen", thema=t2, bron=b1, follow_up_date=future),
    }
    return {"thema": (t1, t2), "bron": (b1, b2), "signals": signals}


def test_list_without_filters_shows_every_signal_most_recent_first(client, region, listed):
    client.force_login(region.clb_medewerker_a)
    response = client.get(list_url(region.dossier_a))
    assert response.status_code == 200
    shown = [s.title for s in response.context["page"].object_list]
    by_activity = list(
        Signaal.objects.order_by("-last_activity_at", "-pk").values_list("title", flat=True)
    )
    assert shown == by_activity
    assert shown == [
        "Later op te volgen",
        "Gesloten maar oud",
        "Opvolging te laat",
        "Afwezigheden vorig jaar",
        "Pesten op de speelplaats",
    ]
    content = response.content.decode()
    for title in shown:
        assert title in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda f: {"school_year": last_year()}, {"Afwezigheden vorig jaar"}),
        (
            lambda f: {"school_year": this_year()},
            {
                "Pesten op de speelplaats",
                "Opvolging te laat",
                "Gesloten maar oud",
                "Later op te volgen",
            },
        ),
        (lambda f: {"thema": f["thema"][0].pk}, {"Pesten op de speelplaats", "Opvolging te laat"}),
        (
            lambda f: {"bron": f["bron"][1].pk},
            {"Afwezigheden vorig jaar", "Opvolging te laat"},
        ),
        (
            lambda f: {"status": Status.AFGESLOTEN},
            {"Afwezigheden vorig jaar", "Gesloten maar oud"},
        ),
        (lambda f: {"status": Status.IN_BESPREKING}, {"Opvolging te laat"}),
        (lambda f: {"q": "speelplaats"}, {"Pesten op de speelplaats"}),
        # the text is searched as well, without regard to case
        (lambda f: {"q": "SPIJBELEN"}, {"Afwezigheden vorig jaar"}),
        (lambda f: {"q": "  "}, None),
        # overdue: an open signal whose follow-up date has passed (not a closed one)
        (lambda f: {"overdue": "on"}, {"Opvolging te laat"}),
        (lambda f: {"thema": f["thema"][1].pk, "status": Status.NIEUW}, {"Later op te volgen"}),
    ],
)
def test_list_filters(client, region, listed, query, expected):
    client.force_login(region.clb_medewerker_a)
    response = client.get(list_url(region.dossier_a), query(listed))
    assert response.status_code == 200
    if expected is None:
        expected = {s.title for s in listed["signals"].values()}
    assert titles(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"thema": "abc"},
        {"thema": "999999"},
        {"bron": "-1"},
        {"status": "xyz"},
        {"school_year": "1999-2005"},
        {"school_year": "' OR 1=1 --"},
        {"page": "zzz"},
        {"page": "-1"},
        {"page": "99999"},
        {"overdue": "misschien"},
        {"q": "x" * 500},
        {"q": "nul\x00byte"},
        {"dossier": "abc"},
    ],
)
def test_garbage_filters_never_give_500(client, region, listed, query):
    client.force_login(region.clb_medewerker_a)
    for url in (list_url(region.dossier_a), reverse("signalen:my_schools")):
        response = client.get(url, query)
        assert response.status_code in (200, 400), (url, query)
        response = client.get(url, query, headers=HTMX)
        assert response.status_code in (200, 400), (url, query)


def test_an_invalid_filter_gives_400_and_no_results(client, region, listed):
    client.force_login(region.clb_medewerker_a)
    response = client.get(list_url(region.dossier_a), {"status": "xyz"})
    assert response.status_code == 400
    assert "status" in response.context["filter"].errors
    assert titles(response) == set()


def test_htmx_request_returns_only_the_results_fragment(client, region, listed):
    client.force_login(region.clb_medewerker_a)
    response = client.get(list_url(region.dossier_a), {"q": "speelplaats"}, headers=HTMX)
    assert response.status_code == 200
    names = {template.name for template in response.templates}
    assert "signalen/_signaal_results.html" in names
    assert "base.html" not in names
    assert "signalen/signaal_list.html" not in names
    content = response.content.decode()
    assert "<html" not in content
    assert "<form" not in content
    assert "Pesten op de speelplaats" in content
    assert "Opvolging te laat" not in content
    # an htmx request aimed at something else gets the whole page
    response = client.get(
        list_url(region.dossier_a), headers={"HX-Request": "true", "HX-Target": "main"}
    )
    assert "signalen/signaal_list.html" in {template.name for template in response.templates}


def test_the_dossier_list_marks_overdue_follow_ups(client, region, listed):
    client.force_login(region.clb_medewerker_a)
    content = client.get(list_url(region.dossier_a)).content.decode()
    # only the open signal whose follow-up date has passed
    assert content.count("signal-card--overdue") == 1
    card = content.split("Opvolging te laat")[0].rsplit("<li", 1)[1]
    assert "signal-card--overdue" in card


# --- the cross-school list -------------------------------------------------------------------


@pytest.fixture
def schools(region):
    """School A, a second school (CLB A, grant) and a third (CLB A, no grant), each a signal."""
    second, _directie = school_served_by(
        region.clb_a, grant_to=[region.clb_medewerker_a], name="Basisschool Het Anker"
    )
    third, directie_third = school_served_by(region.clb_a, name="Basisschool De Wilg")
    colleague = clb_medewerker(region.clb_a)
    from dossier.core.services import access_grant

    access_grant(
        dossier=third.dossier,
        granted_by=directie_third,
        access=user_flags(directie_third, third.dossier),
        user=colleague,
        level=AccessLevel.CONTRIBUTE,
    )
    in_a(region, title="Signaal van De Linde")
    SignaalFactory(
        dossier=second.dossier,
        author=region.clb_medewerker_a,
        title="Signaal van Het Anker",
        follow_up_date=today() - datetime.timedelta(days=10),
    )
    SignaalFactory(dossier=third.dossier, author=colleague, title="Signaal van De Wilg")
    SignaalFactory(
        dossier=region.dossier_b, author=region.directie_b, title="Signaal van Sint-Lieven"
    )
    return second, third


def test_my_schools_shows_every_readable_school_and_no_other(client, region, schools):
    second, third = schools
    client.force_login(region.clb_medewerker_a)
    response = client.get(reverse("signalen:my_schools"))
    assert response.status_code == 200
    assert titles(response) == {"Signaal van De Linde", "Signaal van Het Anker"}
    content = response.content.decode()
    assert "Signaal van De Wilg" not in content
    assert "Signaal van Sint-Lieven" not in content
    # across schools each card names its school
    assert region.school_a.name in content
    assert "Basisschool Het Anker" in content
    # the school filter offers only the readable schools
    offered = set(response.context["filter"].form.fields["dossier"].queryset)
    assert offered == {region.dossier_a, second.dossier}


def test_my_schools_filter_by_school(client, region, schools):
    second, third = schools
    client.force_login(region.clb_medewerker_a)
    response = client.get(reverse("signalen:my_schools"), {"dossier": second.dossier.pk})
    assert response.status_code == 200
    assert titles(response) == {"Signaal van Het Anker"}
    # a school whose signals one may not read is not a valid choice and shows nothing
    response = client.get(reverse("signalen:my_schools"), {"dossier": third.dossier.pk})
    assert response.status_code == 400
    assert titles(response) == set()
    assert "Signaal van De Wilg" not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("pbd_begeleider_a", {"Signaal van De Linde"}),
        ("directie_a", {"Signaal van De Linde"}),
        ("directie_b", {"Signaal van Sint-Lieven"}),
        ("lsc_anker_a", set()),  # need-to-know: no signals for the LSC
        ("leerkracht_a", set()),
        ("clb_medewerker_other", set()),  # a stale grant on A gives nothing
        ("platform_admin", set()),
    ],
)
def test_my_schools_for_other_personas(client, region, schools, persona, expected):
    client.force_login(region.persona(persona))
    response = client.get(reverse("signalen:my_schools"))
    assert response.status_code == 200
    assert titles(response) == expected


def test_my_schools_htmx_returns_only_the_results_fragment(client, region, schools):
    client.force_login(region.clb_medewerker_a)
    response = client.get(reverse("signalen:my_schools"), {"q": "Anker"}, headers=HTMX)
    assert response.status_code == 200
    assert "base.html" not in {template.name for template in response.templates}
    content = response.content.decode()
    assert "<html" not in content
    assert "Signaal van Het Anker" in content
    assert "Signaal van De Linde" not in content


def test_my_schools_marks_overdue_follow_ups(client, region, schools):
    client.force_login(region.clb_medewerker_a)
    content = client.get(reverse("signalen:my_schools")).content.decode()
    assert content.count("signal-card--overdue") == 1
    card = content.split("Signaal van Het Anker")[0].rsplit("<li", 1)[1]
    assert "signal-card--overdue" in card


def test_my_schools_lists_the_most_recent_activity_first(client, region, schools):
    client.force_login(region.clb_medewerker_a)
    # a supplement makes the oldest signal the most recently active one
    AanvullingFactory(signaal=Signaal.objects.get(title="Signaal van De Linde"))
    response = client.get(reverse("signalen:my_schools"))
    shown = [s.title for s in response.context["page"].object_list]
    assert shown == ["Signaal van De Linde", "Signaal van Het Anker"]


def test_a_follow_up_date_of_today_is_not_yet_overdue(client, region):
    signaal = in_a(region, title="Vandaag op te volgen", follow_up_date=today())
    client.force_login(region.zorg_a)
    response = client.get(detail_url(region.dossier_a, signaal))
    assert not response.context["story"].overdue
    response = client.get(list_url(region.dossier_a))
    assert "signal-card--overdue" not in response.content.decode()
    response = client.get(list_url(region.dossier_a), {"overdue": "on"})
    assert titles(response) == set()
