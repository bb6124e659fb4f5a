"""The privacy guard: notes refuse national register numbers, email addresses and phone numbers,
and warn when a label looks like a full name (no pupil can be identified: a consultation is no CLB file).

The finders are checked with generated data (hypothesis); the service is checked to refuse
every such text in every field and to write nothing.
"""

import datetime
import re
import string

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import assume, example, given
from hypothesis import strategies as st

from consultatie.models import Consultatie
from consultatie.services import TEXT_FIELDS, FullNameWarning, consultatie_create
from consultatie.tests.factories import ConsultatieFactory
from dossier.core.access import user_flags
from samenwerking.privacy import find_identifiers, find_rijksregisternummers, looks_like_full_name


# The reasons find_identifiers gives, in the active language.
def email_reason():
    return gettext("an email address")


def phone_reason():
    return gettext("a phone number")


# --- generated data ----------------------------------------------------------------------------


def check_digits(first_nine: str, *, born_from_2000: bool) -> str:
    """The check of a national register number, computed here independently of the code."""
    base = int(("2" + first_nine) if born_from_2000 else first_nine)
    return f"{97 - base % 97:02d}"


def is_valid(digits: str) -> bool:
    first_nine, check = digits[:9], digits[9:]
    return check in (
        check_digits(first_nine, born_from_2000=False),
        check_digits(first_nine, born_from_2000=True),
    )


@st.composite
def rijksregisternummers(draw) -> str:
    """11 digits: YYMMDD, a 3-digit serial, and the check (with "2" in front from 2000 on)."""
    born = draw(
        st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2025, 12, 31))
    )
    serial = draw(st.integers(min_value=1, max_value=998))
    first_nine = f"{born:%y%m%d}{serial:03d}"
    return first_nine + check_digits(first_nine, born_from_2000=born.year >= 2000)


def with_dots_and_dash(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


def with_spaces(digits: str) -> str:
    return f"{digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:9]} {digits[9:11]}"


def with_one_space_group(digits: str) -> str:
    return f"{digits[0:6]} {digits[6:9]} {digits[9:11]}"


WRITINGS = [str, with_dots_and_dash, with_spaces, with_one_space_group]

eleven_digits = st.text(alphabet=string.digits, min_size=11, max_size=11)

# A phone number's national part: a mobile (4xx + 6 digits) or a landline (8 digits in all).
mobile = st.tuples(st.integers(70, 99), st.integers(0, 999_999)).map(
    lambda t: ("4" + f"{t[0]:02d}", f"{t[1]:06d}")
)
landline_one_digit_zone = st.tuples(st.sampled_from("239"), st.integers(0, 9_999_999)).map(
    lambda t: (t[0], f"{t[1]:07d}")
)
landline_two_digit_zone = st.tuples(
    st.sampled_from(["50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "11", "16"]),
    st.integers(0, 999_999),
).map(lambda t: (t[0], f"{t[1]:06d}"))


@st.composite
def belgian_phone_numbers(draw) -> str:
    zone, rest = draw(st.one_of(mobile, landline_one_digit_zone, landline_two_digit_zone))
    separator = draw(st.sampled_from([" ", ".", "/", "-", ""]))
    # the rest in pairs (or a 3-digit group first, as in 09 123 45 67)
    if len(rest) % 2:
        groups = [rest[:3]] + [rest[i : i + 2] for i in range(3, len(rest), 2)]
    else:
        groups = [rest[i : i + 2] for i in range(0, len(rest), 2)]
    after_zone = draw(st.sampled_from([" ", "/", ".", "-", ""]))
    national = zone + after_zone + separator.join(groups)
    prefix = draw(st.sampled_from(["0", "+32 ", "+32", "0032 ", "0032"]))
    return prefix + national


@st.composite
def email_addresses(draw) -> str:
    word = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)
    local = draw(st.lists(word, min_size=1, max_size=3)).copy()
    local_part = draw(st.sampled_from([".", "_", "-", "+"])).join(local)
    domain = draw(st.lists(word, min_size=1, max_size=2))
    tld = draw(st.sampled_from(["be", "com", "org", "vlaanderen", "eu"]))
    return f"{local_part}@{'.'.join(domain)}.{tld}"


dates_written = st.dates(
    min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2030, 12, 31)
).map(lambda d: f"{d:%d/%m/%Y}")
class_names = st.tuples(st.integers(1, 6), st.sampled_from("ABCDE")).map(lambda t: f"{t[0]}{t[1]}")
times = st.tuples(st.integers(7, 18), st.sampled_from([0, 15, 30, 45])).flatmap(
    lambda t: st.sampled_from([f"{t[0]}:{t[1]:02d}", f"{t[0]}.{t[1]:02d}", f"{t[0]}u{t[1]:02d}"])
)
small_numbers = st.integers(0, 999).map(str)
school_years = st.integers(2015, 2030).map(lambda y: f"{y}-{y + 1}")
WORDS = ["op", "om", "in", "en", "met", "de", "klas", "leerlingen", "uur", "week", "gesprek"]


@st.composite
def ordinary_note_text(draw) -> str:
    """Note text with dates, class names, times and small numbers between ordinary words."""
    fragments = draw(
        st.lists(
            st.one_of(dates_written, class_names, times, small_numbers, school_years),
            min_size=1,
            max_size=8,
        )
    )
    parts = []
    for fragment in fragments:
        parts += [draw(st.sampled_from(WORDS)), fragment]
    return " ".join(parts) + "."


# --- national register numbers ------------------------------------------------------------------


@given(number=rijksregisternummers(), writing=st.sampled_from(WRITINGS))
@example(number="85073003328", writing=with_dots_and_dash)  # born 1985
@example(number="05073003326", writing=str)  # born 2005: the check uses "2" in front
def test_a_valid_national_register_number_is_found_however_it_is_written(number, writing):
    assert is_valid(number)
    written = writing(number)
    text = f"Leerling met rijksregisternummer {written} besproken."
    assert find_rijksregisternummers(text) == [written]
    assert find_identifiers(text)


@given(
    born=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2025, 12, 31)),
    serial=st.integers(1, 998),
)
def test_the_born_from_2000_check_is_accepted(born, serial):
    first_nine = f"{born:%y%m%d}{serial:03d}"
    number = first_nine + check_digits(first_nine, born_from_2000=True)
    assert find_rijksregisternummers(number) == [number]


def with_dashes(digits: str) -> str:
    return f"{digits[0:6]}-{digits[6:9]}-{digits[9:11]}"


def with_dots_only(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:9]}.{digits[9:11]}"


def with_dash_and_spaces(digits: str) -> str:
    return f"{digits[0:6]}-{digits[6:9]} {digits[9:11]}"


# Written with the dots or dashes of the format: refused whatever the digits.
MARKED_WRITINGS = [with_dots_and_dash, with_dashes, with_dots_only, with_dash_and_spaces]
ALL_WRITINGS = WRITINGS + MARKED_WRITINGS


@st.composite
def birth_dates_with_any_check(draw) -> str:
    """11 digits that start with a birth date (a bis number's month too) and end in any
    serial and any check digits: a real number with a typo."""
    year = draw(st.integers(0, 99))
    month = draw(st.integers(0, 12)) + draw(st.sampled_from([0, 20, 40]))
    day = draw(st.integers(0, 31))
    serial = draw(st.integers(0, 999))
    check = draw(st.integers(0, 99))
    return f"{year:02d}{month:02d}{day:02d}{serial:03d}{check:02d}"


@given(digits=birth_dates_with_any_check(), writing=st.sampled_from(ALL_WRITINGS))
@example(digits="85073003361", writing=with_dots_and_dash)  # the typo of issue 13
@example(digits="85073003361", writing=with_dashes)
@example(digits="85073003361", writing=with_spaces)
@example(digits="85073003361", writing=str)
def test_a_birth_date_number_is_found_whatever_its_check_digits(digits, writing):
    written = writing(digits)
    text = f"Leerling met rijksregisternummer {written} besproken."
    assert find_rijksregisternummers(text) == [written]
    assert gettext("a national register number") in find_identifiers(text)


@given(digits=eleven_digits, writing=st.sampled_from(MARKED_WRITINGS))
@example(digits="99999999999", writing=with_dots_and_dash)
def test_the_written_format_with_dots_or_dashes_is_found_whatever_its_digits(digits, writing):
    written = writing(digits)
    assert find_rijksregisternummers(f"nummer {written} in de lijst") == [written]


@given(digits=eleven_digits, writing=st.sampled_from([str, with_spaces, with_one_space_group]))
def test_eleven_bare_digits_without_a_birth_date_or_check_are_not_a_number(digits, writing):
    month, day = int(digits[2:4]), int(digits[4:6])
    assume(not is_valid(digits))
    assume(month % 20 > 12 or month > 52 or day > 31)
    assert find_rijksregisternummers(writing(digits)) == []
    assert find_rijksregisternummers(f"nummer {writing(digits)} in de lijst") == []


# Text with digits and the separators of the format, but never eleven digits in a row with at
# most one separator between each: nothing the guard may take for a national number.
_ELEVEN_DIGITS_WRITTEN = re.compile(r"\d(?:[.\s-]?\d){10}")
note_characters = st.text(alphabet=string.ascii_letters + string.digits + " .-,/:€%()", max_size=80)


@given(text=note_characters)
@example(text="Instellingsnummer 046169, 1.250,50 euro, 2025-2026.")
@example(text="0470 12 34 56 en 12-05-2026 10-11")
def test_text_without_eleven_digits_in_the_format_is_not_a_national_number(text):
    assume(not _ELEVEN_DIGITS_WRITTEN.search(text))
    assert find_rijksregisternummers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Instellingsnummer 046169 en 123456.",
        "Een budget van € 12.500,00 of 1.250.000 euro.",
        "De schooljaren 2024-2025 en 2025-2026.",
        "Lokaal 104, 24 leerlingen, 3 van de 5 klassen.",
        "Bel 0470 12 34 56 of +32 470 12 34 56 of +32470123456.",
        "Postcode 9000 Gent, 8500 Kortrijk.",
        "Dossier 12345678901234 in het oude systeem.",  # 14 digits: no 11-digit number
        "Op 05.03.2026 om 14.30 uur, daarna 06.03.2026.",
    ],
)
def test_ordinary_numbers_are_not_a_national_register_number(text):
    assert find_rijksregisternummers(text) == []


@given(number=rijksregisternummers())
def test_a_number_inside_a_longer_run_of_digits_is_not_taken_apart(number):
    # 12 or more digits in a row are not a national register number
    assert find_rijksregisternummers("1" + number) == []
    assert find_rijksregisternummers(number + "1") == []


# --- email addresses and phone numbers ----------------------------------------------------------


@given(address=email_addresses())
def test_an_email_address_is_found(address):
    assert email_reason() in find_identifiers(f"Mail de ouders via {address} voor vrijdag.")


@pytest.mark.parametrize(
    "number", ["+32 470 12 34 56", "0470/12.34.56", "056 22 33 44", "0032 9 123 45 67"]
)
def test_the_usual_ways_of_writing_a_belgian_phone_number_are_found(number):
    assert find_identifiers(f"Bel mama op {number} na de les.") == [phone_reason()]


@given(number=belgian_phone_numbers())
def test_a_generated_belgian_phone_number_is_found(number):
    assert phone_reason() in find_identifiers(f"Bel de ouders op {number} na de les.")


@pytest.mark.parametrize("number", ["+32 (0)470 12 34 56", "+32 (0)9 123 45 67"])
def test_a_phone_number_with_the_trunk_zero_in_brackets_is_found(number):
    # BUG: "+32 (0)470 12 34 56", the way many email signatures write a Belgian number, is not
    # recognised: after "+32 " the pattern wants a digit, and "(0)" is not one.
    assert phone_reason() in find_identifiers(f"Bel mama op {number}.")


# --- ordinary text ------------------------------------------------------------------------------


@given(text=ordinary_note_text())
@example(text="Op 12/03/2026 om 14.30 uur met klas 5B, 3 van de 24 leerlingen.")
@example(text="Schooljaar 2025-2026, week 12, van 8.30 tot 15.30 uur, lokaal 104.")
def test_ordinary_note_text_is_not_flagged(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Opvolging op 05/03/2026 14.30 uur in de klas.",
        "Opvolging 03/02/2026 10:00 met de zorgcoördinator.",
        "Overleg 05/03/2026 9u, daarna de klasraad.",
        "Observatie van 01/09/2025-03/10/2025 in 5B.",
    ],
)
def test_a_date_followed_by_a_time_or_a_date_is_not_a_phone_number(text):
    # BUG: the phone pattern allows any single separator between any digits, so a date with a
    # leading zero ("05/03/2026") followed by a time or another date reads as "0" + 8 or 9
    # digits, and the note is refused as containing a phone number.
    assert find_identifiers(text) == []


# --- labels that look like a full name ----------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["Jan Peeters", "Marie-Louise Van den Broeck", "Emma De Smet", " Zoë Claes "]
)
def test_a_full_name_is_recognised(label):
    assert looks_like_full_name(label)


@pytest.mark.parametrize(
    "label", ["5B", "L.V. 3A", "groep rekenen", "klas 3", "Leerkracht", "", "JP 6B", "3A en 3B"]
)
def test_class_names_initials_and_groups_are_not_a_full_name(label):
    assert not looks_like_full_name(label)


# --- through the service ------------------------------------------------------------------------

IDENTIFIERS = {
    "national register number": "85.07.30-033.28",
    "email address": "ouders.peeters@telenet.be",
    "phone number": "0470/12.34.56",
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_service_refuses_an_identifier_in_every_text_field(region, thema, field):
    for what, identifier in IDENTIFIERS.items():
        with pytest.raises(ValidationError) as caught:
            ConsultatieFactory(
                dossier=region.dossier_a,
                author=region.clb_medewerker_a,
                themas=[thema],
                confirm_name=True,
                **{field: f"zie {identifier}"},
            )
        assert not isinstance(caught.value, FullNameWarning), what
        assert list(caught.value.message_dict) == [field], what
    assert not Consultatie.objects.exists()


@pytest.mark.django_db
def test_a_full_name_label_asks_for_confirmation_first(region, thema):
    fields = {
        "dossier": region.dossier_a,
        "author": region.clb_medewerker_a,
        "access": user_flags(region.clb_medewerker_a, region.dossier_a),
        "themas": [thema],
        "date": datetime.date(2025, 10, 15),
        "asked_by": "leerkracht",
        "subject_kind": "leerling",
        "label": "Jan Peeters",
        "question": "Hoe ondersteunen we hem bij het plannen?",
    }
    with pytest.raises(FullNameWarning) as caught:
        consultatie_create(**fields)
    assert list(caught.value.message_dict) == ["label"]
    assert not Consultatie.objects.exists()

    note = consultatie_create(**fields, confirm_name=True)
    assert note.label == "Jan Peeters"
    assert Consultatie.objects.count() == 1


@pytest.mark.django_db
def test_an_identifier_is_refused_even_with_the_name_confirmed(region, thema):
    with pytest.raises(ValidationError) as caught:
        ConsultatieFactory(
            dossier=region.dossier_a,
            author=region.clb_medewerker_a,
            themas=[thema],
            label="Jan Peeters",
            question="Mama belt op 0470 12 34 56.",
            confirm_name=True,
        )
    assert not isinstance(caught.value, FullNameWarning)
    assert "question" in caught.value.message_dict
    assert not Consultatie.objects.exists()


@pytest.mark.django_db
def test_a_note_with_a_follow_up_date_and_time_can_be_saved(region, thema):
    # BUG (see above), as the CLB meets it: an ordinary follow-up line is refused.
    note = ConsultatieFactory(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        themas=[thema],
        next_steps="Opvolging op 05/03/2026 14.30 uur met de klasleerkracht.",
    )
    assert note.pk
