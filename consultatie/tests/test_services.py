"""The consultation services: the CLB writes notes, the school adds remarks; dates, themes,
participants, closing, the client relationship, earlier advice and the red threads."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, UserFactory
from consultatie.models import Consultatie, Gespreksleidraad, Opmerking, Status, SubjectKind
from consultatie.selectors import earlier_advice, theme_overview
from consultatie.services import (
    consultatie_create,
    consultatie_mark_client_relationship,
    consultatie_update,
    gespreksleidraad_save,
    opmerking_add,
)
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant

pytestmark = pytest.mark.django_db

OCT_2025 = datetime.date(2025, 10, 15)


def write(region, **kwargs):
    """A note in school A's dossier, written by the CLB medewerker."""
    kwargs.setdefault("date", OCT_2025)
    return ConsultatieFactory(dossier=region.dossier_a, author=region.clb_medewerker_a, **kwargs)


def fields_of(note, **changes):
    """Every field consultatie_update takes, from ``note``, with ``changes``."""
    data = {
        "date": note.date,
        "asked_by": note.asked_by,
        "other_participants": note.other_participants,
        "subject_kind": note.subject_kind,
        "label": note.label,
        "question": note.question,
        "analysis": note.analysis,
        "advice": note.advice,
        "next_steps": note.next_steps,
        "follow_up_date": note.follow_up_date,
        "status": note.status,
        "themas": list(note.themas.all()),
        "participants": list(note.participants.all()),
    }
    data.update(changes)
    return data


# --- who writes ----------------------------------------------------------------------------------


def test_the_clb_medewerker_writes_a_note(region, thema, other_thema):
    note = consultatie_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        themas=[thema, other_thema],
        participants=[region.zorg_a, region.lsc_anker_a],
        date=OCT_2025,
        asked_by="zorgcoordinator",
        subject_kind=SubjectKind.GROEP,
        label="  groep rekenen 4A  ",
        other_participants="de klasleerkracht van 4A",
        question="Hoe werken we gedifferentieerd bij rekenen?",
        advice="Werk met een verlengde instructie aan de instructietafel.",
        follow_up_date=datetime.date(2025, 12, 1),
    )
    note.refresh_from_db()
    assert note.school_year == "2025-2026"
    assert note.author == region.clb_medewerker_a
    assert note.author_organisation == region.clb_a
    assert note.label == "groep rekenen 4A"
    assert note.status == Status.OPEN
    assert note.closed_at is None and note.client_relationship_at is None
    assert set(note.themas.all()) == {thema, other_thema}
    assert set(note.participants.all()) == {region.zorg_a, region.lsc_anker_a}
    assert "instructietafel" in note.search_text
    assert "groep rekenen 4A" in note.search_text


@pytest.mark.parametrize(
    ("date", "school_year"),
    [
        (datetime.date(2025, 8, 31), "2024-2025"),
        (datetime.date(2025, 9, 1), "2025-2026"),
        (datetime.date(2026, 1, 10), "2025-2026"),
    ],
)
def test_the_school_year_follows_the_date(region, thema, date, school_year):
    assert write(region, themas=[thema], date=date).school_year == school_year


@pytest.mark.parametrize("persona", ["zorg_a", "directie_a"])
def test_the_school_cannot_write_notes_but_adds_remarks(region, thema, persona):
    person = getattr(region, persona)
    with pytest.raises(PermissionDenied):
        ConsultatieFactory(dossier=region.dossier_a, author=person, themas=[thema])
    note = write(region, themas=[thema])
    remark = opmerking_add(
        note=note,
        author=person,
        access=user_flags(person, note.dossier),
        text="  In de klas werkt de timer goed.  ",
    )
    assert remark.text == "In de klas werkt de timer goed."
    assert remark.author == person
    assert remark.author_organisation == region.school_a
    note.refresh_from_db()
    assert "timer goed" in note.search_text


def test_the_clb_adds_a_remark_on_behalf_of_the_clb(region, thema):
    note = write(region, themas=[thema])
    remark = opmerking_add(
        note=note,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        text="Nagebeld.",
    )
    assert remark.author_organisation == region.clb_a


@pytest.mark.parametrize(
    "persona", ["lsc_anker_a", "pbd_begeleider_a", "clb_medewerker_other", "leerkracht_a"]
)
def test_others_can_neither_write_notes_nor_add_remarks(region, thema, persona):
    person = getattr(region, persona)
    with pytest.raises(PermissionDenied):
        ConsultatieFactory(dossier=region.dossier_a, author=person, themas=[thema])
    note = write(region, themas=[thema])
    with pytest.raises(PermissionDenied):
        opmerking_add(
            note=note, author=person, access=user_flags(person, note.dossier), text="Mag ik dit?"
        )
    assert not Opmerking.objects.exists()
    with pytest.raises(PermissionDenied):
        consultatie_mark_client_relationship(
            note=note, actor=person, access=user_flags(person, note.dossier)
        )


def test_a_remark_refuses_identifiers_and_empty_text(region, thema):
    note = write(region, themas=[thema])
    with pytest.raises(ValidationError):
        opmerking_add(
            note=note,
            author=region.zorg_a,
            access=user_flags(region.zorg_a, note.dossier),
            text="Bel mama op 0470 12 34 56.",
        )
    with pytest.raises(ValidationError):
        opmerking_add(
            note=note,
            author=region.zorg_a,
            access=user_flags(region.zorg_a, note.dossier),
            text="   ",
        )
    assert not Opmerking.objects.exists()


def test_a_clb_medewerker_without_a_grant_cannot_write(region, thema):
    from consultatie.tests.factories import clb_medewerker

    colleague = clb_medewerker(region.clb_a)
    with pytest.raises(PermissionDenied):
        ConsultatieFactory(dossier=region.dossier_a, author=colleague, themas=[thema])


def test_a_clb_medewerker_with_a_read_grant_only_cannot_write(region, thema):
    from consultatie.tests.factories import clb_medewerker

    colleague = clb_medewerker(region.clb_a)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=colleague,
        level=AccessLevel.VIEW,
    )
    with pytest.raises(PermissionDenied):
        ConsultatieFactory(dossier=region.dossier_a, author=colleague, themas=[thema])


# --- dates, themes, participants -----------------------------------------------------------------


def test_a_date_in_the_future_is_refused(region, thema):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        write(region, themas=[thema], date=tomorrow)
    assert list(caught.value.message_dict) == ["date"]
    assert not Consultatie.objects.exists()


def test_today_is_allowed(region, thema):
    assert write(region, themas=[thema], date=timezone.localdate()).pk


def test_a_follow_up_before_the_date_is_refused(region, thema):
    with pytest.raises(ValidationError) as caught:
        write(region, themas=[thema], follow_up_date=OCT_2025 - datetime.timedelta(days=1))
    assert list(caught.value.message_dict) == ["follow_up_date"]
    assert not Consultatie.objects.exists()
    assert write(region, themas=[thema], follow_up_date=OCT_2025).follow_up_date == OCT_2025


def test_a_note_needs_a_theme(region):
    with pytest.raises(ValidationError) as caught:
        write(region, themas=[])
    assert list(caught.value.message_dict) == ["themas"]
    assert not Consultatie.objects.exists()


@pytest.mark.parametrize("persona", ["leerkracht_a", "clb_medewerker_other", "directie_b"])
def test_participants_must_be_people_with_access(region, thema, persona):
    with pytest.raises(ValidationError) as caught:
        write(region, themas=[thema], participants=[region.zorg_a, getattr(region, persona)])
    assert list(caught.value.message_dict) == ["participants"]
    assert not Consultatie.objects.exists()


def test_participants_may_be_partners_with_access(region, thema):
    note = write(
        region,
        themas=[thema],
        participants=[region.directie_a, region.pbd_begeleider_a, region.lsc_anker_a],
    )
    assert set(note.participants.all()) == {
        region.directie_a,
        region.pbd_begeleider_a,
        region.lsc_anker_a,
    }


# --- changing, closing --------------------------------------------------------------------------


def test_an_update_keeps_the_school_year_in_sync(region, thema, other_thema):
    note = write(region, themas=[thema])
    note = consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, date=datetime.date(2025, 6, 1), themas=[other_thema]),
    )
    note.refresh_from_db()
    assert note.school_year == "2024-2025"
    assert list(note.themas.all()) == [other_thema]


def test_closing_sets_closed_at_and_reopening_clears_it(region, thema):
    note = write(region, themas=[thema])
    before = timezone.now()
    consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, status=Status.AFGESLOTEN),
    )
    note.refresh_from_db()
    assert note.status == Status.AFGESLOTEN
    assert note.closed_at is not None and note.closed_at >= before
    consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, status=Status.OPGEVOLGD),
    )
    note.refresh_from_db()
    assert note.closed_at is None


def test_a_note_written_as_closed_gets_closed_at(region, thema):
    # BUG: consultatie_create takes the status from the form (which offers "afgesloten") but
    # never sets closed_at, so a note written as closed is never purged by the retention job.
    note = write(region, themas=[thema], status=Status.AFGESLOTEN)
    note.refresh_from_db()
    assert note.status == Status.AFGESLOTEN
    assert note.closed_at is not None


def test_correcting_a_closed_note_keeps_when_it_was_closed(region, thema):
    # BUG: consultatie_update sets closed_at to now on every save of a closed note, so fixing a
    # typo months later moves the closing date and with it the end of the retention period.
    note = write(region, themas=[thema])
    consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, status=Status.AFGESLOTEN),
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Consultatie.objects.filter(pk=note.pk).update(closed_at=long_ago)
    note.refresh_from_db()
    consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, advice="Tikfout verbeterd."),
    )
    note.refresh_from_db()
    assert note.advice == "Tikfout verbeterd."
    assert note.closed_at == long_ago


@pytest.mark.parametrize("persona", ["zorg_a", "directie_a", "lsc_anker_a"])
def test_only_the_clb_changes_a_note(region, thema, persona):
    note = write(region, themas=[thema])
    with pytest.raises(PermissionDenied):
        consultatie_update(
            note=note,
            editor=getattr(region, persona),
            access=user_flags(getattr(region, persona), note.dossier),
            **fields_of(note, advice="Anders."),
        )
    note.refresh_from_db()
    assert note.advice != "Anders."


def test_an_update_passes_the_privacy_guard(region, thema):
    note = write(region, themas=[thema])
    with pytest.raises(ValidationError) as caught:
        consultatie_update(
            note=note,
            editor=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, note.dossier),
            **fields_of(note, analysis="Mama: mama.peeters@gmail.com"),
        )
    assert list(caught.value.message_dict) == ["analysis"]
    note.refresh_from_db()
    assert "gmail" not in note.analysis


def test_marking_a_client_relationship_closes_the_note_for_good(region, thema):
    note = write(region, themas=[thema])
    marked = consultatie_mark_client_relationship(
        note=note,
        actor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
    )
    note.refresh_from_db()
    assert note.status == Status.AFGESLOTEN
    assert note.client_relationship_at is not None
    assert note.closed_at == note.client_relationship_at == marked.closed_at

    with pytest.raises(ValidationError):
        consultatie_mark_client_relationship(
            note=note,
            actor=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, note.dossier),
        )
    with pytest.raises(ValidationError):
        consultatie_update(
            note=note,
            editor=region.clb_medewerker_a,
            access=user_flags(region.clb_medewerker_a, note.dossier),
            **fields_of(note, status=Status.OPEN, advice="Toch nog iets."),
        )
    unchanged = Consultatie.objects.get(pk=note.pk)
    assert unchanged.status == Status.AFGESLOTEN
    assert unchanged.advice == note.advice
    assert unchanged.closed_at == note.closed_at


def test_the_school_cannot_mark_a_client_relationship(region, thema):
    note = write(region, themas=[thema])
    with pytest.raises(PermissionDenied):
        consultatie_mark_client_relationship(
            note=note, actor=region.zorg_a, access=user_flags(region.zorg_a, note.dossier)
        )
    note.refresh_from_db()
    assert note.client_relationship_at is None


# --- earlier advice ------------------------------------------------------------------------------


def test_earlier_advice_on_the_same_theme_or_label(region, thema, other_thema):
    unrelated = ThemaFactory(name="Gedrag (test)")
    oldest = write(region, themas=[thema], label="6B", date=datetime.date(2024, 10, 1))
    same_label = write(region, themas=[unrelated], label="5a", date=datetime.date(2025, 1, 10))
    both_themes = write(region, themas=[thema, other_thema], label="3C", date=OCT_2025)
    write(region, themas=[thema], label="4D", advice="", date=OCT_2025)  # no advice
    write(region, themas=[unrelated], label="2A", date=OCT_2025)  # nothing in common
    current = write(region, themas=[thema], label="5A", date=datetime.date(2025, 11, 3))
    # the same theme in another school's dossier
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    ConsultatieFactory(
        dossier=region.dossier_b, author=region.clb_medewerker_other, themas=[thema], label="5A"
    )

    found = earlier_advice(
        region.dossier_a, thema_ids=[thema.pk, other_thema.pk], label="5A", exclude_pk=current.pk
    )
    assert found == [both_themes, same_label, oldest]

    assert earlier_advice(region.dossier_a, label=" 5A ") == [current, same_label]
    assert earlier_advice(region.dossier_a, thema_ids=[other_thema.pk]) == [both_themes]
    assert earlier_advice(region.dossier_a) == []
    assert earlier_advice(region.dossier_a, label="   ") == []
    assert len(earlier_advice(region.dossier_a, thema_ids=[thema.pk], limit=2)) == 2


def test_earlier_advice_lists_the_most_recent_first_and_breaks_ties_by_newest(region, thema):
    first = write(region, themas=[thema], date=OCT_2025)
    second = write(region, themas=[thema], date=OCT_2025)
    older = write(region, themas=[thema], date=datetime.date(2025, 9, 2))
    assert earlier_advice(region.dossier_a, thema_ids=[thema.pk]) == [second, first, older]


# --- red threads ---------------------------------------------------------------------------------


def test_theme_overview_counts_per_theme_per_school_year(region, thema, other_thema):
    write(region, themas=[thema], date=datetime.date(2024, 10, 1))
    write(region, themas=[thema, other_thema], date=datetime.date(2025, 3, 1))
    write(region, themas=[thema], date=OCT_2025)
    write(region, themas=[thema], date=datetime.date(2025, 11, 2))
    write(region, themas=[other_thema], date=datetime.date(2025, 12, 2))
    overview = theme_overview([region.dossier_a.pk])
    assert overview.years == ["2024-2025", "2025-2026"]
    assert overview.rows == [
        (thema.name, [2, 2], 4),
        (other_thema.name, [1, 1], 2),
    ]
    assert overview.peak == 2
    chart = list(overview.chart_rows())
    assert chart[1] == (other_thema.name, [("2024-2025", 1, 50), ("2025-2026", 1, 50)], 2)


def test_theme_overview_of_nothing_is_empty(db):
    overview = theme_overview([])
    assert (overview.years, overview.rows, overview.peak) == ([], [], 0)
    assert list(overview.chart_rows()) == []


def test_theme_overview_only_counts_the_dossiers_given(region, thema):
    write(region, themas=[thema])
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    ConsultatieFactory(
        dossier=region.dossier_b,
        author=region.clb_medewerker_other,
        themas=[thema],
        date=OCT_2025,
    )
    overview = theme_overview([region.dossier_a.pk])
    assert overview.rows == [(thema.name, [1], 1)]


# --- the conversation guide ----------------------------------------------------------------------


def directeur_of(clb, **membership):
    person = UserFactory()
    MembershipFactory(user=person, organisation=clb, role=Role.CLB_DIRECTEUR, **membership)
    return person


def test_a_clb_directeur_words_the_guide_and_words_it_again(region):
    directeur = directeur_of(region.clb_a)

    first = gespreksleidraad_save(
        clb=region.clb_a, editor=directeur, question="  Wat vraagt de school?  ", advice="Welk?"
    )
    second = gespreksleidraad_save(clb=region.clb_a, editor=directeur, analysis="Wat zie je?")

    assert second.pk == first.pk
    guide = Gespreksleidraad.objects.get(organisation=region.clb_a)
    # every prompt is set on each save; one left out goes back to the platform's own
    assert (guide.question, guide.analysis, guide.advice, guide.next_steps) == (
        "",
        "Wat zie je?",
        "",
        "",
    )
    assert first.question == "Wat vraagt de school?"


@pytest.mark.parametrize("persona", ["clb_medewerker_a", "directie_a", "platform_admin"])
def test_only_a_directeur_of_that_clb_words_its_guide(region, persona):
    with pytest.raises(PermissionDenied):
        gespreksleidraad_save(clb=region.clb_a, editor=getattr(region, persona), question="x")
    with pytest.raises(PermissionDenied):
        gespreksleidraad_save(clb=region.clb_a, editor=directeur_of(region.clb_other), question="x")
    assert not Gespreksleidraad.objects.exists()


def test_a_former_directeur_no_longer_words_the_guide(region):
    former = directeur_of(region.clb_a, end_date=timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(PermissionDenied):
        gespreksleidraad_save(clb=region.clb_a, editor=former, question="x")
    assert not Gespreksleidraad.objects.exists()


def test_a_too_long_prompt_is_refused_on_its_field(region):
    directeur = directeur_of(region.clb_a)

    with pytest.raises(ValidationError) as refused:
        gespreksleidraad_save(clb=region.clb_a, editor=directeur, next_steps="x" * 301)

    assert "next_steps" in refused.value.message_dict
    assert not Gespreksleidraad.objects.exists()
