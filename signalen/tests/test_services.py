"""The signal services: who may write, what is validated, what the timeline keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Partnership
from accounts.services import partnership_end
from dossier.core.access import user_flags
from dossier.meldingen.models import Notification
from signalen.models import TEXT_MAX, TITLE_MAX, Aanvulling, AanvullingVersie, Gebeurtenis, Signaal
from signalen.services import (
    aanvulling_add,
    aanvulling_correct,
    signaal_change_status,
    signaal_create,
    signaal_update,
)
from signalen.tests.factories import AanvullingFactory, BronFactory, SignaalFactory, ThemaFactory
from signalen.workflow import Kind, Status

pytestmark = pytest.mark.django_db


def log(region, author=None, **overrides):
    """Log a signal in school A's dossier through the service (by the CLB medewerker)."""
    values = {
        "dossier": region.dossier_a,
        "author": author or region.clb_medewerker_a,
        "title": "Meer meldingen van pesten in het vijfde leerjaar",
        "text": "Zes ouders meldden pesten sinds de herfstvakantie.",
        "thema": ThemaFactory(),
        "bron": BronFactory(),
    }
    values.update(overrides)
    values.setdefault("access", user_flags(values["author"], values["dossier"]))
    return signaal_create(**values)


def nothing_written():
    return (
        not Signaal.objects.exists()
        and not Gebeurtenis.objects.exists()
        and not Aanvulling.objects.exists()
        and not Notification.objects.exists()
    )


def fix_today(monkeypatch, day: datetime.date):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


# --- signaal_create --------------------------------------------------------------------------


def test_clb_medewerker_logs_a_signal_on_behalf_of_the_clb(region, monkeypatch):
    fix_today(monkeypatch, datetime.date(2026, 11, 22))
    signaal = log(region)
    signaal.refresh_from_db()
    assert signaal.author == region.clb_medewerker_a
    assert signaal.author_organisation == region.clb_a
    assert signaal.status == Status.NIEUW
    assert signaal.school_year == "2026-2027"
    assert signaal.title == "Meer meldingen van pesten in het vijfde leerjaar"
    event = signaal.gebeurtenissen.get()
    assert event.kind == Gebeurtenis.Kind.CREATED
    assert event.actor == region.clb_medewerker_a
    assert event.to_status == Status.NIEUW
    assert not event.automatic


def test_zorgcoordinator_logs_a_signal_on_behalf_of_the_school(region):
    signaal = log(region, author=region.zorg_a)
    assert signaal.author_organisation == region.school_a
    assert signaal.gebeurtenissen.get().kind == Gebeurtenis.Kind.CREATED


def test_directie_logs_a_signal_on_behalf_of_the_school(region):
    assert log(region, author=region.directie_a).author_organisation == region.school_a


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (datetime.date(2026, 11, 22), "2026-2027"),
        (datetime.date(2027, 8, 31), "2026-2027"),
        (datetime.date(2027, 9, 1), "2027-2028"),
        (datetime.date(2027, 1, 1), "2026-2027"),
    ],
)
def test_school_year_is_derived_from_today(region, monkeypatch, today, year):
    fix_today(monkeypatch, today)
    assert log(region).school_year == year


def test_a_given_school_year_is_kept(region):
    assert log(region, school_year="2024-2025").school_year == "2024-2025"


def test_title_and_text_are_stripped(region):
    signaal = log(region, title="  Pesten  ", text="\n Tekst \n")
    assert (signaal.title, signaal.text) == ("Pesten", "Tekst")


@pytest.mark.parametrize(
    "persona",
    [
        "pbd_begeleider_a",  # reads signals, may not write them
        "lsc_anker_a",  # need-to-know: no signals for the LSC
        "leerkracht_a",  # never has access
        "clb_medewerker_other",  # a stale grant without a partnership gives nothing
        "platform_admin",
        "directie_b",
    ],
)
def test_people_who_may_not_write_signals_are_refused(region, persona):
    with pytest.raises(PermissionDenied):
        log(region, author=region.persona(persona))
    assert nothing_written()


def test_a_clb_whose_partnership_ended_can_no_longer_log(region):
    partnership = Partnership.objects.get(school=region.school_a, partner=region.clb_a)
    partnership_end(
        partnership=partnership, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        log(region)
    assert nothing_written()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", {"title": ""}),
        ("title", {"title": "   "}),
        ("title", {"title": "x" * (TITLE_MAX + 1)}),
        ("text", {"text": ""}),
        ("school_year", {"school_year": "2025-2027"}),
        ("school_year", {"school_year": "2025/2026"}),
        ("school_year", {"school_year": "1899-1900"}),
    ],
)
def test_invalid_signal_is_refused_and_nothing_is_written(region, field, overrides):
    with pytest.raises(ValidationError) as caught:
        log(region, **overrides)
    assert field in caught.value.message_dict
    assert nothing_written()


def test_too_long_text_is_refused_and_nothing_is_written(region):
    # Signaal.text is a TextField: its max_length is not checked by full_clean(), so the
    # service must check it itself (as aanvulling_add does with _clean_text).
    with pytest.raises(ValidationError) as caught:
        log(region, text="x" * (TEXT_MAX + 1))
    assert "text" in caught.value.message_dict
    assert nothing_written()


def test_text_of_exactly_the_maximum_is_accepted(region):
    assert len(log(region, text="x" * TEXT_MAX, title="x" * TITLE_MAX).text) == TEXT_MAX


# --- aanvulling_add --------------------------------------------------------------------------


def test_duiding_by_the_zorgcoordinator_brings_the_signal_into_discussion(region):
    signaal = log(region)
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="  Vooral op de speelplaats. ",
    )
    assert aanvulling.text == "Vooral op de speelplaats."
    assert aanvulling.author_organisation == region.school_a
    signaal.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING
    event = signaal.gebeurtenissen.get(kind=Gebeurtenis.Kind.STATUS)
    assert event.automatic
    assert event.actor == region.zorg_a
    assert (event.from_status, event.to_status) == (Status.NIEUW, Status.IN_BESPREKING)


def test_supplements_move_a_signal_forward_only(region):
    signaal = log(region)
    steps = [
        (Kind.AFSPRAAK, Status.AFSPRAKEN),
        (Kind.DUIDING, Status.AFSPRAKEN),  # not backward
        (Kind.STAND_VAN_ZAKEN, Status.OPVOLGING),
        (Kind.ADVIES, Status.OPVOLGING),
        (Kind.OPMERKING, Status.OPVOLGING),
    ]
    for kind, expected in steps:
        aanvulling_add(
            signaal=signaal,
            author=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, signaal.dossier),
            kind=kind,
            text="Tekst",
        )
        signaal.refresh_from_db()
        assert signaal.status == expected, kind
    moves = list(
        signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.STATUS).values_list(
            "from_status", "to_status", "automatic"
        )
    )
    assert moves == [
        (Status.NIEUW, Status.AFSPRAKEN, True),
        (Status.AFSPRAKEN, Status.OPVOLGING, True),
    ]
    assert signaal.aanvullingen.count() == 5


def test_a_remark_leaves_the_status_and_records_no_move(region):
    signaal = log(region)
    aanvulling_add(
        signaal=signaal,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, signaal.dossier),
        kind=Kind.OPMERKING,
        text="Ter info.",
    )
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW
    assert not signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.STATUS).exists()


@pytest.mark.parametrize("persona", ["pbd_begeleider_a", "lsc_anker_a", "leerkracht_a"])
def test_people_who_may_not_write_cannot_add(region, persona):
    signaal = log(region)
    with pytest.raises(PermissionDenied):
        aanvulling_add(
            signaal=signaal,
            author=region.persona(persona),
            access=user_flags(region.persona(persona), signaal.dossier),
            kind=Kind.DUIDING,
            text="Tekst",
        )
    assert not Aanvulling.objects.exists()


def test_adding_to_a_closed_signal_is_refused(region):
    signaal = log(region)
    signaal_change_status(
        signaal=signaal,
        actor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, signaal.dossier),
        to_status=Status.AFGESLOTEN,
    )
    with pytest.raises(ValidationError):
        aanvulling_add(
            signaal=signaal,
            author=region.zorg_a,
            access=user_flags(region.zorg_a, signaal.dossier),
            kind=Kind.DUIDING,
            text="Tekst",
        )
    assert not Aanvulling.objects.exists()
    signaal.refresh_from_db()
    assert signaal.status == Status.AFGESLOTEN


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        ("onbekend", "Tekst", "kind"),
        (Kind.DUIDING, "   ", "text"),
        (Kind.DUIDING, "x" * 4001, "text"),
    ],
)
def test_invalid_supplement_is_refused(region, kind, text, field):
    signaal = log(region)
    before = signaal.last_activity_at
    with pytest.raises(ValidationError) as caught:
        aanvulling_add(
            signaal=signaal,
            author=region.zorg_a,
            access=user_flags(region.zorg_a, signaal.dossier),
            kind=kind,
            text=text,
        )
    assert field in caught.value.message_dict
    assert not Aanvulling.objects.exists()
    signaal.refresh_from_db()
    assert (signaal.status, signaal.last_activity_at) == (Status.NIEUW, before)
    assert signaal.gebeurtenissen.count() == 1


# --- aanvulling_correct ----------------------------------------------------------------------


def test_correction_keeps_the_earlier_texts_as_versions(region):
    signaal = log(region)
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Eerste tekst",
    )
    created_at = aanvulling.created_at
    aanvulling_correct(
        aanvulling=aanvulling,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, aanvulling.signaal.dossier),
        text="Tweede tekst",
    )
    aanvulling.refresh_from_db()
    first_correction = aanvulling.corrected_at
    assert aanvulling.text == "Tweede tekst"
    assert first_correction is not None
    aanvulling_correct(
        aanvulling=aanvulling,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, aanvulling.signaal.dossier),
        text="Derde tekst",
    )
    aanvulling.refresh_from_db()
    assert aanvulling.text == "Derde tekst"
    versions = list(aanvulling.versies.values_list("text", "written_at"))
    assert versions == [("Eerste tekst", created_at), ("Tweede tekst", first_correction)]
    # a correction is not a new supplement and moves no status
    assert signaal.aanvullingen.count() == 1


@pytest.mark.parametrize(
    "persona",
    [
        "directie_a",  # a colleague on the same side
        "clb_medewerker_a",  # a writer on the other side
        "pbd_begeleider_a",  # a reader
        "lsc_anker_a",  # no access to signals
    ],
)
def test_only_the_author_may_correct(region, persona):
    signaal = log(region)
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Eerste tekst",
    )
    with pytest.raises(PermissionDenied):
        aanvulling_correct(
            aanvulling=aanvulling,
            author=region.persona(persona),
            access=user_flags(region.persona(persona), aanvulling.signaal.dossier),
            text="Anders",
        )
    aanvulling.refresh_from_db()
    assert aanvulling.text == "Eerste tekst"
    assert aanvulling.corrected_at is None
    assert not AanvullingVersie.objects.exists()


@pytest.mark.parametrize("text", ["Eerste tekst", "  Eerste tekst \n", "", "x" * 4001])
def test_correction_with_unchanged_or_invalid_text_is_refused(region, text):
    signaal = log(region)
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Eerste tekst",
    )
    with pytest.raises(ValidationError) as caught:
        aanvulling_correct(
            aanvulling=aanvulling,
            author=region.zorg_a,
            access=user_flags(region.zorg_a, aanvulling.signaal.dossier),
            text=text,
        )
    assert "text" in caught.value.message_dict
    assert not AanvullingVersie.objects.exists()
    aanvulling.refresh_from_db()
    assert aanvulling.corrected_at is None


# --- signaal_update --------------------------------------------------------------------------


def update_values(signaal, **overrides):
    values = {
        "title": signaal.title,
        "text": signaal.text,
        "thema": signaal.thema,
        "bron": signaal.bron,
        "school_year": signaal.school_year,
        "follow_up_date": signaal.follow_up_date,
    }
    return values | overrides


def test_update_keeps_the_old_title_and_text_on_the_timeline(region):
    signaal = log(region, title="Oude titel", text="Oude tekst")
    signaal_update(
        signaal=signaal,
        editor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        **update_values(signaal, title="Nieuwe titel", text="Nieuwe tekst"),
    )
    signaal.refresh_from_db()
    assert (signaal.title, signaal.text) == ("Nieuwe titel", "Nieuwe tekst")
    event = signaal.gebeurtenissen.get(kind=Gebeurtenis.Kind.EDITED)
    assert (event.old_title, event.old_text) == ("Oude titel", "Oude tekst")
    assert event.actor == region.zorg_a
    # the author and their organisation stay those of the person who logged it
    assert signaal.author == region.clb_medewerker_a
    assert signaal.author_organisation == region.clb_a


def test_update_without_new_words_records_no_correction(region):
    signaal = log(region)
    new_thema = ThemaFactory()
    follow_up = datetime.date(2027, 1, 15)
    signaal_update(
        signaal=signaal,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, signaal.dossier),
        **update_values(signaal, thema=new_thema, follow_up_date=follow_up),
    )
    signaal.refresh_from_db()
    assert (signaal.thema, signaal.follow_up_date) == (new_thema, follow_up)
    assert not signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.EDITED).exists()


@pytest.mark.parametrize("persona", ["pbd_begeleider_a", "lsc_anker_a", "clb_medewerker_other"])
def test_update_by_someone_who_may_not_write_is_refused(region, persona):
    signaal = log(region, title="Oude titel")
    with pytest.raises(PermissionDenied):
        signaal_update(
            signaal=signaal,
            editor=region.persona(persona),
            access=user_flags(region.persona(persona), signaal.dossier),
            **update_values(signaal, title="X"),
        )
    signaal.refresh_from_db()
    assert signaal.title == "Oude titel"


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", {"title": " "}),
        ("school_year", {"school_year": "2025-2027"}),
        ("text", {"text": "x" * (TEXT_MAX + 1)}),
    ],
)
def test_invalid_update_is_refused_and_nothing_changes(region, field, overrides):
    signaal = log(region, title="Oude titel", text="Oude tekst")
    with pytest.raises(ValidationError) as caught:
        signaal_update(
            signaal=signaal,
            editor=region.zorg_a,
            access=user_flags(region.zorg_a, signaal.dossier),
            **update_values(signaal, **overrides),
        )
    assert field in caught.value.message_dict
    signaal.refresh_from_db()
    assert (signaal.title, signaal.text) == ("Oude titel", "Oude tekst")
    assert not signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.EDITED).exists()


# --- signaal_change_status -------------------------------------------------------------------


def test_status_change_is_recorded_with_its_note(region):
    signaal = log(region)
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.AFSPRAKEN,
        note="  Besproken op het MDO.  ",
    )
    signaal.refresh_from_db()
    assert signaal.status == Status.AFSPRAKEN
    event = signaal.gebeurtenissen.get(kind=Gebeurtenis.Kind.STATUS)
    assert (event.from_status, event.to_status) == (Status.NIEUW, Status.AFSPRAKEN)
    assert event.note == "Besproken op het MDO."
    assert not event.automatic
    assert event.actor == region.zorg_a


def test_a_move_outside_the_table_is_refused_with_a_clear_message(region):
    signaal = log(region)
    with pytest.raises(ValidationError) as caught:
        signaal_change_status(
            signaal=signaal,
            actor=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, signaal.dossier),
            to_status=Status.OPVOLGING,
        )
    [message] = caught.value.message_dict["to_status"]
    # the message names both the current and the wanted status
    assert str(Status.NIEUW.label) in message
    assert str(Status.OPVOLGING.label) in message
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW
    assert not signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.STATUS).exists()


@pytest.mark.parametrize("to_status", ["weg", "", Status.NIEUW])
def test_unknown_or_same_status_is_refused(region, to_status):
    signaal = log(region)
    with pytest.raises(ValidationError) as caught:
        signaal_change_status(
            signaal=signaal,
            actor=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, signaal.dossier),
            to_status=to_status,
        )
    assert "to_status" in caught.value.message_dict
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW


def test_a_closed_signal_reopens_only_into_discussion(region):
    signaal = SignaalFactory(
        dossier=region.dossier_a, author=region.clb_medewerker_a, status=Status.AFGESLOTEN
    )
    for target in (Status.AFSPRAKEN, Status.OPVOLGING, Status.NIEUW):
        with pytest.raises(ValidationError):
            signaal_change_status(
                signaal=signaal,
                actor=region.zorg_a,
                access=user_flags(region.zorg_a, signaal.dossier),
                to_status=target,
            )
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.IN_BESPREKING,
    )
    signaal.refresh_from_db()
    assert signaal.status == Status.IN_BESPREKING
    # and once reopened, it takes supplements again
    AanvullingFactory(signaal=signaal, author=region.zorg_a, kind=Kind.AFSPRAAK)
    signaal.refresh_from_db()
    assert signaal.status == Status.AFSPRAKEN


@pytest.mark.parametrize("persona", ["pbd_begeleider_a", "lsc_anker_a"])
def test_status_change_by_someone_who_may_not_write_is_refused(region, persona):
    signaal = log(region)
    with pytest.raises(PermissionDenied):
        signaal_change_status(
            signaal=signaal,
            actor=region.persona(persona),
            access=user_flags(region.persona(persona), signaal.dossier),
            to_status=Status.AFGESLOTEN,
        )
    signaal.refresh_from_db()
    assert signaal.status == Status.NIEUW


# --- last activity ---------------------------------------------------------------------------


def test_last_activity_moves_forward_on_every_change(region):
    signaal = log(region)
    seen = [Signaal.objects.get(pk=signaal.pk).last_activity_at]

    def step():
        current = Signaal.objects.get(pk=signaal.pk).last_activity_at
        assert current > seen[-1]
        seen.append(current)

    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Eerste",
    )
    step()
    aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.OPMERKING,
        text="Opmerking",
    )
    step()
    aanvulling_correct(
        aanvulling=aanvulling,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, aanvulling.signaal.dossier),
        text="Verbeterd",
    )
    step()
    signaal_update(
        signaal=signaal,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, signaal.dossier),
        **update_values(signaal, title="Nieuw"),
    )
    step()
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.AFGESLOTEN,
    )
    step()
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.IN_BESPREKING,
    )
    step()


def test_factories_make_realistic_signals(db):
    # without an author, the factory builds a school served by a CLB and logs as its medewerker
    signaal = SignaalFactory(status=Status.OPVOLGING)
    assert signaal.author_organisation.kind == "clb"
    assert signaal.status == Status.OPVOLGING
    assert signaal.gebeurtenissen.filter(kind=Gebeurtenis.Kind.STATUS).count() == 2
    aanvulling = AanvullingFactory(signaal=signaal, kind=Kind.OPMERKING)
    assert aanvulling.author == signaal.author
    assert aanvulling.author_organisation == signaal.author_organisation


@pytest.mark.parametrize(
    ("utc", "year"),
    [
        # 31 August 22:30 UTC is already 1 September in Brussels: the new school year
        (datetime.datetime(2026, 8, 31, 22, 30, tzinfo=datetime.UTC), "2026-2027"),
        (datetime.datetime(2026, 8, 31, 21, 30, tzinfo=datetime.UTC), "2025-2026"),
    ],
)
def test_school_year_follows_the_brussels_calendar(region, monkeypatch, utc, year):
    monkeypatch.setattr(timezone, "now", lambda: utc)
    assert log(region).school_year == year


# --- closing and the search text -------------------------------------------------------------


def test_closing_records_when_and_reopening_clears_it(region):
    signaal = log(region)
    assert signaal.closed_at is None
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.AFGESLOTEN,
    )
    signaal.refresh_from_db()
    assert signaal.closed_at is not None
    assert abs(signaal.closed_at - signaal.last_activity_at) < datetime.timedelta(seconds=1)
    signaal_change_status(
        signaal=signaal,
        actor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        to_status=Status.IN_BESPREKING,
    )
    signaal.refresh_from_db()
    assert signaal.closed_at is None


def test_search_text_holds_title_text_and_every_supplement(region):
    signaal = log(region, title="Pesten", text="Op de speelplaats")
    aanvulling = aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Vooral tijdens de middag",
    )
    signaal.refresh_from_db()
    for part in ("Pesten", "Op de speelplaats", "Vooral tijdens de middag"):
        assert part in signaal.search_text
    aanvulling_correct(
        aanvulling=aanvulling,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, aanvulling.signaal.dossier),
        text="Vooral na school",
    )
    signaal_update(
        signaal=signaal,
        editor=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        **update_values(signaal, title="Plagen"),
    )
    signaal.refresh_from_db()
    assert "Vooral na school" in signaal.search_text
    assert "Plagen" in signaal.search_text
    assert "Vooral tijdens de middag" not in signaal.search_text
    assert "Pesten" not in signaal.search_text
