"""The consultation pages through the test client, as the personas of the access rules.

The UI is Dutch: these tests look at status codes, the database, names and form fields, not at
sentences.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, UserFactory
from consultatie.models import Consultatie, Gespreksleidraad, Opmerking, Status, SubjectKind
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.core.services import AccessLevel, access_grant
from samenwerking.schoolyear import school_year_of

pytestmark = pytest.mark.django_db

OCT_2025 = datetime.date(2025, 10, 15)
HTMX = {"HX-Request": "true", "HX-Target": "note-results"}


def list_url(dossier):
    return reverse("consultatie:list", kwargs={"pk": dossier.pk})


def create_url(dossier):
    return reverse("consultatie:create", kwargs={"pk": dossier.pk})


def earlier_url(dossier):
    return reverse("consultatie:earlier", kwargs={"pk": dossier.pk})


def note_url(name, note, dossier=None):
    return reverse(
        f"consultatie:{name}", kwargs={"pk": (dossier or note.dossier).pk, "note_pk": note.pk}
    )


def write(region, **kwargs):
    kwargs.setdefault("date", OCT_2025)
    return ConsultatieFactory(dossier=region.dossier_a, author=region.clb_medewerker_a, **kwargs)


def labels(response):
    return {note.label for note in response.context["page"].object_list}


def valid_post(thema, **overrides):
    data = {
        "date": "15/10/2025",
        "asked_by": "zorgcoordinator",
        "subject_kind": SubjectKind.KLAS,
        "label": "5B",
        "themas": [thema.pk],
        "question": "Hoe krijgen we rust in de klas na de speeltijd?",
        "analysis": "De overgang van speeltijd naar les is lang en onduidelijk.",
        "advice": "Een vast ritueel bij het binnenkomen, met een visuele planning.",
        "next_steps": "De klasleerkracht probeert het twee weken.",
        "follow_up_date": "05/11/2025",
        "status": Status.OPEN,
        "participants": [],
        "other_participants": "de klasleerkracht van 5B",
    }
    data.update(overrides)
    return data


@pytest.fixture
def clb_client(client, region):
    client.force_login(region.clb_medewerker_a)
    return client


def reads_of(person):
    return AuditEvent.objects.filter(actor=person, action="consultatie_read")


# --- writing a note ------------------------------------------------------------------------------


def test_the_clb_writes_a_note_through_the_form(clb_client, region, thema):
    response = clb_client.get(create_url(region.dossier_a))
    assert response.status_code == 200
    assert 'name="confirm_name"' not in response.content.decode()

    response = clb_client.post(
        create_url(region.dossier_a), valid_post(thema, participants=[region.zorg_a.pk])
    )
    note = Consultatie.objects.get()
    assert response.status_code == 302
    assert response.url == note_url("detail", note)
    assert note.date == OCT_2025
    assert note.follow_up_date == datetime.date(2025, 11, 5)
    assert note.school_year == "2025-2026"
    assert note.label == "5B"
    assert note.author == region.clb_medewerker_a
    assert note.author_organisation == region.clb_a
    assert list(note.themas.all()) == [thema]
    assert list(note.participants.all()) == [region.zorg_a]
    assert note.other_participants == "de klasleerkracht van 5B"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "Gaat over leerling 85.07.30-033.28, wat nu?"),
        ("analysis", "Mama mailt via mama.peeters@telenet.be."),
        ("next_steps", "Bel papa op 0470/12.34.56."),
        ("other_participants", "tante (0032 9 123 45 67)"),
        ("label", "85073003328"),
        ("advice", "Voor 85.07.30-033.61 (een typfout in het nummer)."),
    ],
)
def test_a_note_with_an_identifier_is_refused(clb_client, region, thema, field, value):
    response = clb_client.post(
        create_url(region.dossier_a), valid_post(thema, confirm_name="on", **{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Consultatie.objects.exists()


def test_a_full_name_label_needs_confirmation(clb_client, region, thema):
    response = clb_client.post(
        create_url(region.dossier_a), valid_post(thema, label="Marie-Louise Van den Broeck")
    )
    assert response.status_code == 400
    assert response.context["name_warning"] is True
    assert response.context["form"].errors["label"]
    assert 'name="confirm_name"' in response.content.decode()
    assert not Consultatie.objects.exists()

    response = clb_client.post(
        create_url(region.dossier_a),
        valid_post(thema, label="Marie-Louise Van den Broeck", confirm_name="on"),
    )
    assert response.status_code == 302
    assert Consultatie.objects.get().label == "Marie-Louise Van den Broeck"


INVALID_FORMS = [
    {"date": "31/02/2025"},
    {"date": "2025-13-01"},
    {"date": ""},
    {"themas": []},
    {"themas": ["abc"]},
    {"themas": ["999999"]},
    {"status": "weg"},
    {"asked_by": "de buurman"},
    {"participants": ["abc"]},
    {"question": ""},
    {"label": "x" * 61},
    {"follow_up_date": "01/10/2025"},
    {"date": "01/01/2099"},
]


def test_an_invalid_form_gives_400_and_writes_nothing(clb_client, region, thema):
    for overrides in INVALID_FORMS:
        response = clb_client.post(create_url(region.dossier_a), valid_post(thema, **overrides))
        assert response.status_code == 400, overrides
    assert not Consultatie.objects.exists()


def test_a_participant_without_access_is_refused(clb_client, region, thema):
    response = clb_client.post(
        create_url(region.dossier_a), valid_post(thema, participants=[region.leerkracht_a.pk])
    )
    assert response.status_code == 400
    assert not Consultatie.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("directie_a", 403),
        ("zorg_a", 403),
        ("lsc_anker_a", 404),
        ("pbd_begeleider_a", 404),
        ("clb_medewerker_other", 404),
        ("leerkracht_a", 404),
        ("platform_admin", 404),
    ],
)
def test_only_the_clb_opens_the_note_form(client, region, thema, persona, status):
    client.force_login(getattr(region, persona))
    assert client.get(create_url(region.dossier_a)).status_code == status
    assert client.post(create_url(region.dossier_a), valid_post(thema)).status_code == status
    assert not Consultatie.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, region, thema):
    note = write(region, themas=[thema])
    for url in (list_url(region.dossier_a), note_url("detail", note)):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response.url
    assert not AuditEvent.objects.filter(action="consultatie_read").exists()


# --- changing a note -----------------------------------------------------------------------------


def test_the_clb_changes_a_note(clb_client, region, thema, other_thema):
    note = write(region, themas=[thema])
    response = clb_client.get(note_url("edit", note))
    assert response.status_code == 200
    assert response.context["form"].initial["label"] == note.label

    response = clb_client.post(
        note_url("edit", note),
        valid_post(other_thema, date="20/06/2025", follow_up_date="", status=Status.AFGESLOTEN),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.school_year == "2024-2025"
    assert note.status == Status.AFGESLOTEN and note.closed_at is not None
    assert list(note.themas.all()) == [other_thema]


@pytest.mark.parametrize("persona", ["zorg_a", "directie_a"])
def test_the_school_cannot_change_a_note(client, region, thema, persona):
    note = write(region, themas=[thema])
    client.force_login(getattr(region, persona))
    assert client.get(note_url("edit", note)).status_code == 403
    response = client.post(note_url("edit", note), valid_post(thema, advice="Iets anders."))
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.advice != "Iets anders."


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clb_medewerker_a", "zorg_a", "directie_a"])
def test_every_opening_of_a_note_is_audited(client, region, thema, persona):
    note = write(region, themas=[thema])
    person = getattr(region, persona)
    client.force_login(person)
    for times in (1, 2):  # the second opening is served from the page cache: audited too
        response = client.get(note_url("detail", note))
        assert response.status_code == 200
        assert escape(note.question) in response.content.decode()
        assert reads_of(person).count() == times
    event = reads_of(person).first()
    assert event.dossier == region.dossier_a
    assert event.section == "consultaties"
    assert str(note.pk) in event.detail
    assert AuditEvent.objects.filter(action="consultatie_read").count() == 2


def test_the_list_is_audited_as_shown_not_as_opened(clb_client, region, thema):
    # the list shows the question, so it is recorded (test_display_audit), but not as an opening
    write(region, themas=[thema])
    assert clb_client.get(list_url(region.dossier_a)).status_code == 200
    assert not reads_of(region.clb_medewerker_a).exists()
    assert AuditEvent.objects.filter(
        actor=region.clb_medewerker_a, action="consultatie_listed"
    ).exists()


@pytest.mark.parametrize(
    "persona",
    ["lsc_anker_a", "pbd_begeleider_a", "clb_medewerker_other", "leerkracht_a", "platform_admin"],
)
def test_others_get_404_and_leave_no_read(client, region, thema, persona):
    note = write(region, themas=[thema])
    client.force_login(getattr(region, persona))
    urls = [
        list_url(region.dossier_a),
        note_url("detail", note),
        note_url("edit", note),
        earlier_url(region.dossier_a) + f"?themas={thema.pk}",
        reverse("consultatie:themes", kwargs={"pk": region.dossier_a.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("opmerking_add", "client_relationship"):
        assert client.post(note_url(name, note), {"text": "Hallo"}).status_code == 404
    assert not AuditEvent.objects.filter(section="consultaties").exists()
    assert not Opmerking.objects.exists()
    note.refresh_from_db()
    assert note.client_relationship_at is None


def test_a_note_of_another_schools_dossier_is_not_found(clb_client, region, thema):
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    note_b = ConsultatieFactory(
        dossier=region.dossier_b, author=region.clb_medewerker_other, themas=[thema]
    )
    for name in ("detail", "edit"):
        assert clb_client.get(note_url(name, note_b, region.dossier_a)).status_code == 404
        assert clb_client.get(note_url(name, note_b)).status_code == 404
    response = clb_client.post(note_url("client_relationship", note_b, region.dossier_a))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="consultatie_read").exists()
    note_b.refresh_from_db()
    assert note_b.client_relationship_at is None


def test_a_note_that_does_not_exist_is_not_found(clb_client, region):
    url = reverse("consultatie:detail", kwargs={"pk": region.dossier_a.pk, "note_pk": 999999})
    assert clb_client.get(url).status_code == 404


# --- earlier advice -----------------------------------------------------------------------------


def test_the_earlier_fragment_shows_earlier_advice(clb_client, region, thema, other_thema):
    by_theme = write(region, themas=[thema], label="6B", date=datetime.date(2025, 9, 20))
    by_label = write(region, themas=[other_thema], label="5a", date=OCT_2025)
    write(region, themas=[other_thema], label="1A")
    response = clb_client.get(earlier_url(region.dossier_a), {"themas": thema.pk, "label": "5A"})
    assert response.status_code == 200
    assert response.context["earlier"] == [by_label, by_theme]
    assert note_url("detail", by_label) in response.content.decode()

    response = clb_client.get(
        earlier_url(region.dossier_a), {"themas": thema.pk, "note": by_theme.pk}
    )
    assert response.status_code == 200
    assert response.context["earlier"] == []

    response = clb_client.get(earlier_url(region.dossier_a))
    assert response.status_code == 200
    assert response.context["earlier"] == []


def test_garbage_in_the_earlier_fragment_gives_400(clb_client, region, thema):
    write(region, themas=[thema])
    for params in [
        {"themas": "abc"},
        {"note": "-1"},
        {"note": "abc"},
        {"themas": "999999"},
        {"themas": "-3"},
        {"themas": [str(thema.pk), "abc"]},
        {"label": "x" * 61},
    ]:
        response = clb_client.get(earlier_url(region.dossier_a), params)
        assert response.status_code == 400, params


# --- the list and its filters --------------------------------------------------------------------


@pytest.fixture
def listed(region, thema, other_thema):
    """Four notes in school A's dossier over two school years."""
    return {
        "a": write(region, themas=[thema], label="5A", date=datetime.date(2024, 11, 5)),
        "b": write(
            region,
            themas=[other_thema],
            label="5B",
            subject_kind=SubjectKind.LEERKRACHT,
            date=OCT_2025,
        ),
        "c": write(
            region,
            themas=[thema, other_thema],
            label="L.V. 3A",
            subject_kind=SubjectKind.LEERLING,
            status=Status.OPGEVOLGD,
            date=OCT_2025,
        ),
        "d": write(region, themas=[thema], label="6C", date=datetime.date(2025, 11, 2)),
    }


def test_the_list_shows_the_notes_of_the_dossier(clb_client, region, listed):
    response = clb_client.get(list_url(region.dossier_a))
    assert response.status_code == 200
    assert labels(response) == {"5A", "5B", "L.V. 3A", "6C"}
    assert response.context["can_write"] is True
    assert create_url(region.dossier_a) in response.content.decode()


def test_the_school_reads_the_list_but_sees_no_write_button(client, region, listed):
    client.force_login(region.zorg_a)
    response = client.get(list_url(region.dossier_a))
    assert response.status_code == 200
    assert len(labels(response)) == 4
    assert response.context["can_write"] is False
    assert create_url(region.dossier_a) not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"thema": "thema"}, {"5A", "L.V. 3A", "6C"}),
        ({"thema": "other_thema"}, {"5B", "L.V. 3A"}),
        ({"status": Status.OPGEVOLGD}, {"L.V. 3A"}),
        ({"status": Status.AFGESLOTEN}, set()),
        ({"subject_kind": SubjectKind.LEERKRACHT}, {"5B"}),
        ({"school_year": "2024-2025"}, {"5A"}),
        ({"school_year": "2025-2026"}, {"5B", "L.V. 3A", "6C"}),
        ({"label": "5"}, {"5A", "5B"}),
        ({"label": "l.v."}, {"L.V. 3A"}),
        ({"thema": "thema", "school_year": "2025-2026", "label": "3a"}, {"L.V. 3A"}),
    ],
)
def test_the_list_filters(clb_client, region, listed, thema, other_thema, params, expected):
    themas = {"thema": thema.pk, "other_thema": other_thema.pk}
    if "thema" in params:
        params = {**params, "thema": themas[params["thema"]]}
    response = clb_client.get(list_url(region.dossier_a), params)
    assert response.status_code == 200
    assert labels(response) == expected
    response = clb_client.get(list_url(region.dossier_a), params, headers=HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "consultatie/_note_results.html"
    assert labels(response) == expected


def test_a_note_with_two_matching_themes_is_listed_once(clb_client, region, listed, thema):
    response = clb_client.get(list_url(region.dossier_a), {"thema": thema.pk})
    assert response.context["page"].paginator.count == 3


GARBAGE_FILTERS = [
    {"thema": "abc"},
    {"thema": "-1"},
    {"thema": "999999"},
    {"thema": "1.5"},
    {"status": "weg"},
    {"subject_kind": "<script>"},
    {"school_year": "1999-2000"},
    {"school_year": "'; drop table x; --"},
    {"label": "x" * 200},
    {"label": "%_\\"},
    {"label": "\x00"},
    {"page": "abc"},
    {"page": "-5"},
    {"page": "99999"},
    {"page": "1e9"},
    {"onbekend": "1"},
]


def test_garbage_filters_never_give_500(clb_client, region, listed):
    for params in GARBAGE_FILTERS:
        response = clb_client.get(list_url(region.dossier_a), params)
        assert response.status_code in (200, 400), params
        response = clb_client.get(list_url(region.dossier_a), params, headers=HTMX)
        assert response.status_code in (200, 400), params


def test_an_invalid_filter_shows_no_notes(clb_client, region, listed):
    response = clb_client.get(list_url(region.dossier_a), {"status": "weg"})
    assert response.status_code == 400
    assert labels(response) == set()


def test_the_list_pages_by_twenty(clb_client, region, thema):
    for index in range(23):
        write(region, themas=[thema], label=f"{index % 6 + 1}A")
    first = clb_client.get(list_url(region.dossier_a))
    second = clb_client.get(list_url(region.dossier_a), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3


# --- client relationship and remarks ------------------------------------------------------------


def test_the_clb_marks_a_client_relationship(clb_client, region, thema):
    note = write(region, themas=[thema])
    response = clb_client.post(note_url("client_relationship", note))
    assert response.status_code == 302
    assert response.url == note_url("detail", note)
    note.refresh_from_db()
    assert note.status == Status.AFGESLOTEN
    assert note.client_relationship_at is not None and note.closed_at is not None
    marked_at = note.client_relationship_at

    # a second time changes nothing
    assert clb_client.post(note_url("client_relationship", note)).status_code == 302
    note.refresh_from_db()
    assert note.client_relationship_at == marked_at

    # and the note can no longer change
    response = clb_client.post(note_url("edit", note), valid_post(thema, advice="Later nog iets."))
    assert response.status_code == 400
    note.refresh_from_db()
    assert note.advice != "Later nog iets."
    detail = clb_client.get(note_url("detail", note)).content.decode()
    assert note_url("edit", note) not in detail


def test_client_relationship_needs_a_post(clb_client, region, thema):
    note = write(region, themas=[thema])
    assert clb_client.get(note_url("client_relationship", note)).status_code == 405


@pytest.mark.parametrize("persona", ["zorg_a", "directie_a"])
def test_the_school_cannot_mark_a_client_relationship(client, region, thema, persona):
    note = write(region, themas=[thema])
    client.force_login(getattr(region, persona))
    assert client.post(note_url("client_relationship", note)).status_code == 403
    note.refresh_from_db()
    assert note.client_relationship_at is None


def test_a_remark_by_the_zorgcoordinator_appears_on_the_note(client, region, thema):
    note = write(region, themas=[thema])
    client.force_login(region.zorg_a)
    response = client.post(note_url("opmerking_add", note), {"text": "De timer helpt echt."})
    assert response.status_code == 302
    remark = Opmerking.objects.get()
    assert remark.author == region.zorg_a
    assert remark.author_organisation == region.school_a

    response = client.get(note_url("detail", note))
    content = response.content.decode()
    assert "De timer helpt echt." in content
    assert region.school_a.name in content
    assert list(response.context["note"].opmerkingen.all()) == [remark]


@pytest.mark.parametrize("text", ["", "Bel mama op 0470 12 34 56.", "x" * 2001])
def test_a_refused_remark_writes_nothing(client, region, thema, text):
    note = write(region, themas=[thema])
    client.force_login(region.zorg_a)
    response = client.post(note_url("opmerking_add", note), {"text": text})
    assert response.status_code == 302
    assert not Opmerking.objects.exists()


def test_a_remark_with_a_read_grant_only_is_refused(client, region, thema):
    note = write(region, themas=[thema])
    reader = UserFactory()
    MembershipFactory(user=reader, organisation=region.school_a, role=Role.LEERLINGENBEGELEIDER)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=reader,
        level=AccessLevel.VIEW,
    )
    client.force_login(reader)
    assert client.get(note_url("detail", note)).status_code == 200
    assert client.post(note_url("opmerking_add", note), {"text": "Hallo"}).status_code == 403
    assert not Opmerking.objects.exists()


# --- the conversation guide ---------------------------------------------------------------------


@pytest.fixture
def clb_directeur(region):
    person = UserFactory(with_mfa=True)
    MembershipFactory(user=person, organisation=region.clb_a, role=Role.CLB_DIRECTEUR)
    return person


def test_the_clb_directeur_words_the_guide_and_the_medewerker_sees_it(
    client, region, clb_directeur
):
    client.force_login(clb_directeur)
    response = client.get(reverse("consultatie:guide"))
    assert response.status_code == 200
    assert response.context["clb"] == region.clb_a

    prompt = "Wat vraagt de school precies, en wat heeft ze al geprobeerd?"
    response = client.post(
        reverse("consultatie:guide"),
        {"question": prompt, "analysis": "", "advice": "Welk advies, en waarom?"},
    )
    assert response.status_code == 302
    guide = Gespreksleidraad.objects.get(organisation=region.clb_a)
    assert guide.question == prompt

    client.force_login(region.clb_medewerker_a)
    response = client.get(create_url(region.dossier_a))
    form = response.context["form"]
    assert form.fields["question"].help_text == prompt
    assert form.fields["advice"].help_text == "Welk advies, en waarom?"
    # an empty prompt falls back to the platform's own
    assert form.fields["analysis"].help_text != ""
    assert "Wat vraagt de school precies" in response.content.decode()


def test_a_guide_of_another_clb_is_not_shown(client, region, thema):
    Gespreksleidraad.objects.create(organisation=region.clb_other, question="Prompt van Schelde")
    client.force_login(region.clb_medewerker_a)
    response = client.get(create_url(region.dossier_a))
    assert "Prompt van Schelde" not in response.content.decode()


def test_a_too_long_prompt_is_refused(client, region, clb_directeur):
    client.force_login(clb_directeur)
    response = client.post(reverse("consultatie:guide"), {"question": "x" * 301})
    assert response.status_code == 400
    assert not Gespreksleidraad.objects.exists()


@pytest.mark.parametrize("persona", ["clb_medewerker_a", "directie_a", "zorg_a", "platform_admin"])
def test_only_a_clb_directeur_edits_the_guide(client, region, persona):
    client.force_login(getattr(region, persona))
    assert client.get(reverse("consultatie:guide")).status_code == 404
    assert client.post(reverse("consultatie:guide"), {"question": "x"}).status_code == 404
    assert not Gespreksleidraad.objects.exists()


# --- red threads --------------------------------------------------------------------------------


def test_the_dossier_themes_page_counts(client, region, thema, other_thema):
    write(region, themas=[thema], date=datetime.date(2024, 10, 1))
    write(region, themas=[thema, other_thema], date=OCT_2025)
    client.force_login(region.zorg_a)
    response = client.get(reverse("consultatie:themes", kwargs={"pk": region.dossier_a.pk}))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.years == ["2024-2025", "2025-2026"]
    assert overview.rows == [(thema.name, [1, 1], 2), (other_thema.name, [0, 1], 1)]
    content = response.content.decode()
    assert thema.name in content and "2024-2025" in content


def test_my_themes_counts_across_my_schools(client, region, thema, other_thema):
    from consultatie.tests.factories import school_served_by

    write(region, themas=[thema])
    school, _directie = school_served_by(region.clb_a, grant_to=[region.clb_medewerker_a])
    ConsultatieFactory(
        dossier=school.dossier,
        author=region.clb_medewerker_a,
        themas=[thema, other_thema],
        date=OCT_2025,
    )
    # a school the medewerker cannot read
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    ConsultatieFactory(
        dossier=region.dossier_b, author=region.clb_medewerker_other, themas=[other_thema]
    )
    client.force_login(region.clb_medewerker_a)
    response = client.get(reverse("consultatie:my_themes"))
    assert response.status_code == 200
    assert response.context["school_count"] == 2
    assert response.context["overview"].rows == [
        (thema.name, [2], 2),
        (other_thema.name, [1], 1),
    ]
    assert thema.name in response.content.decode()


@pytest.mark.parametrize("persona", ["lsc_anker_a", "pbd_begeleider_a", "platform_admin"])
def test_my_themes_counts_nothing_for_who_reads_no_notes(client, region, thema, persona):
    write(region, themas=[thema])
    client.force_login(getattr(region, persona))
    response = client.get(reverse("consultatie:my_themes"))
    assert response.status_code == 200
    assert response.context["school_count"] == 0
    assert response.context["overview"].rows == []


def test_a_theme_made_inactive_still_counts_but_cannot_be_chosen(clb_client, region):
    old = ThemaFactory(name="Oud thema (test)")
    write(region, themas=[old])
    old.is_active = False
    old.save()
    response = clb_client.post(create_url(region.dossier_a), valid_post(old))
    assert response.status_code == 400
    assert Consultatie.objects.count() == 1
    response = clb_client.get(reverse("consultatie:themes", kwargs={"pk": region.dossier_a.pk}))
    assert response.context["overview"].rows[0][0] == old.name


# --- the note form: who took part, and the earlier advice (issue 13) ----------------------------


def test_who_cannot_read_notes_is_shown_apart_among_the_participants(clb_client, region, thema):
    """The PBD and the LSC have access to the dossier but not to its notes: the form says so,
    as the access module decides, and they can still be recorded as taking part."""
    from dossier.core.access import Section

    response = clb_client.get(create_url(region.dossier_a))
    assert response.status_code == 200
    readers, others = response.context["form"].participant_groups()
    ids = {box.data["value"].value for box in others}
    assert ids == {region.lsc_anker_a.pk, region.pbd_begeleider_a.pk}
    assert {box.data["value"].value for box in readers} >= {region.directie_a.pk, region.zorg_a.pk}
    for box in [*readers, *others]:
        person = type(region.directie_a).objects.get(pk=box.data["value"].value)
        reads = user_flags(person, region.dossier_a).can_read(Section.CONSULTATIES)
        assert reads is (box in readers)
    body = response.content.decode()
    apart = body[body.index('class="participants-without-access"') :]
    apart = apart[: apart.index("</fieldset>")]
    for person in (region.lsc_anker_a, region.pbd_begeleider_a):
        assert f'value="{person.pk}"' in apart
    assert f'value="{region.zorg_a.pk}"' not in apart

    response = clb_client.post(
        create_url(region.dossier_a),
        valid_post(thema, participants=[region.zorg_a.pk, region.lsc_anker_a.pk]),
    )
    assert response.status_code == 302
    note = Consultatie.objects.get()
    assert set(note.participants.all()) == {region.zorg_a, region.lsc_anker_a}


def test_without_people_who_cannot_read_there_is_no_second_group(clb_client, region, thema):
    from dossier.core.services import access_revoke

    for person in (region.lsc_anker_a, region.pbd_begeleider_a):
        access_revoke(
            dossier=region.dossier_a,
            revoked_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=person,
        )
    response = clb_client.get(create_url(region.dossier_a))
    assert response.context["form"].participant_groups()[1] == []
    assert "participants-without-access" not in response.content.decode()


def advice_shown(person):
    return AuditEvent.objects.filter(actor=person, action="consultatie_advice_shown")


def test_after_a_validation_error_the_earlier_advice_is_still_shown(
    clb_client, region, thema, other_thema
):
    by_theme = write(region, themas=[thema], label="6B", advice="Werk met een beloningssysteem.")
    by_label = write(region, themas=[other_thema], label="5B", advice="Plan een klasgesprek.")
    write(region, themas=[other_thema], label="1A", advice="Iets anders.")
    # no question: the form comes back with its error, and the panel with the earlier advice
    response = clb_client.post(create_url(region.dossier_a), valid_post(thema, question=""))
    assert response.status_code == 400
    assert not Consultatie.objects.filter(label="5B").exclude(pk=by_label.pk).exists()
    assert set(response.context["earlier"]) == {by_theme, by_label}
    body = response.content.decode()
    for shown in (by_theme, by_label):
        assert note_url("detail", shown) in body
    # what the panel shows is recorded, as the fragment records it
    assert set(advice_shown(region.clb_medewerker_a).values_list("detail", flat=True)) == {
        f"#{by_theme.pk}",
        f"#{by_label.pk}",
    }
    # a label as typed counts too, when the themes were left out
    response = clb_client.post(
        create_url(region.dossier_a), valid_post(thema, themas=[], label="6b")
    )
    assert response.status_code == 400
    assert response.context["earlier"] == [by_theme]


def test_a_new_form_shows_no_earlier_advice_and_records_nothing(clb_client, region, thema):
    write(region, themas=[thema], label="5B")
    response = clb_client.get(create_url(region.dossier_a))
    assert list(response.context["earlier"]) == [] and response.context["asked"] is False
    assert not advice_shown(region.clb_medewerker_a).exists()


def test_the_form_of_a_note_shows_the_earlier_advice_on_its_theme_and_label(
    clb_client, region, thema
):
    earlier = write(region, themas=[thema], label="3C", date=datetime.date(2025, 9, 10))
    note = write(region, themas=[thema], label="3C")
    response = clb_client.get(note_url("edit", note))
    assert response.status_code == 200
    assert response.context["earlier"] == [earlier]  # not the note itself
    actions = AuditEvent.objects.filter(actor=region.clb_medewerker_a).values_list(
        "action", "detail"
    )
    assert set(actions) == {
        ("consultatie_edit_opened", f"#{note.pk}"),
        ("consultatie_advice_shown", f"#{earlier.pk}"),
    }


def test_the_list_filter_offers_recent_years_and_keeps_an_older_one(clb_client, region, listed):
    response = clb_client.get(list_url(region.dossier_a))
    years = [v for v, _l in response.context["filter"].form.fields["school_year"].choices if v]
    assert years[0] == school_year_of(timezone.localdate())
    assert len(years) == 6
    response = clb_client.get(list_url(region.dossier_a), {"school_year": "2015-2016"})
    assert response.status_code == 200
    assert labels(response) == set()
    assert '<option value="2015-2016" selected>' in response.content.decode()
