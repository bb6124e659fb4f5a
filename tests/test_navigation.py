"""Role-true navigation and empty states (issue 13, item 2).

A person sees only the links of the lists across schools that can show them something (the
access module decides, from their standing), and an empty list says why it is empty. Hiding a
link is not access control: the pages keep answering as before (tests/test_access_matrix.py).
"""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import build_full_region, log_in
from dossier.core.access import Section, dossiers_for_user
from dossier.core.access.reach import EmptyReason, empty_reason, readable_sections
from dossier.core.access.standing import compute_standing

pytestmark = pytest.mark.django_db

SIGNALS = reverse("signalen:my_schools")
THEMES = reverse("consultatie:my_themes")
SEARCH = reverse("zoeken:zoeken")
HOME = reverse("dossier:mijn_dossiers")

# persona -> (signals of my schools, red threads, search)
LINKS = {
    "directie_a": (True, True, True),
    "zorg_a": (True, True, True),
    "clb_medewerker_a": (True, True, True),
    # the PBD reads signals (and searches them), never consultation notes
    "pbd_begeleider_a": (True, False, True),
    # the LSC reads neither signals nor notes
    "lsc_anker_a": (False, False, False),
    "leerkracht_a": (False, False, False),
    "platform_admin": (False, False, False),
    # a grant without a partnership gives nothing
    "clb_medewerker_other": (False, False, False),
}

# persona -> the reason on "Signals of my schools", on the red threads, on "My dossiers" (None:
# the red threads of the schools read, with no note yet; the person has dossiers)
REASONS = {
    "directie_a": ("nothing_yet", None, None),
    "clb_medewerker_a": ("nothing_yet", None, None),
    "pbd_begeleider_a": ("nothing_yet", "not_this_section", None),
    "lsc_anker_a": ("not_this_section", "not_this_section", None),
    "leerkracht_a": ("role_never_granted", "role_never_granted", "role_never_granted"),
    "platform_admin": ("platform_admin", "platform_admin", "platform_admin"),
    "clb_medewerker_other": ("no_access", "no_access", "no_access"),
}


def hrefs(html: str, container: str) -> set[str]:
    """The link targets inside the first element whose class is ``container``."""
    start = html.index(f'class="{container}"')
    end = html.index("</nav>" if container == "topnav" else "</ul>", start)
    return set(re.findall(r'href="([^"]+)"', html[start:end]))


def empty_reason_on(html: str) -> str | None:
    found = re.findall(r'data-empty-reason="([a-z_]+)"', html)
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("name", list(LINKS))
def test_the_top_navigation_shows_only_what_the_person_reads_somewhere(client, region, name):
    signals, themes, search = LINKS[name]
    log_in(client, region.persona(name))
    html = client.get(HOME).content.decode()
    nav = hrefs(html, "topnav")
    assert HOME in nav
    assert (SIGNALS in nav) is signals
    assert (SEARCH in nav) is search
    # the quick links of "My dossiers" follow the same rule, the red threads among them
    quick = hrefs(html, "quick-links") if 'class="quick-links"' in html else set()
    assert quick == {
        url for url, shown in ((SIGNALS, signals), (THEMES, themes), (SEARCH, search)) if shown
    }


@pytest.mark.parametrize("name", list(REASONS))
def test_an_empty_list_says_why_it_is_empty(client, region, name):
    on_signals, on_themes, on_home = REASONS[name]
    log_in(client, region.persona(name))
    response = client.get(SIGNALS)
    assert response.status_code == 200  # hidden from the menu, still answering
    assert empty_reason_on(response.content.decode()) == on_signals
    response = client.get(THEMES)
    assert response.status_code == 200
    html = response.content.decode()
    assert empty_reason_on(html) == on_themes
    if on_themes is None:
        assert response.context["school_count"] == 1  # "no notes yet" in the table's place
    else:
        # no "across the 0 schools": the count and the table give way to the reason
        assert response.context["school_count"] == 0
        lead = re.search(r'<p class="lead">(.*?)</p>', html, re.S).group(1)
        assert not re.search(r"\d", lead)
    response = client.get(HOME)
    assert response.status_code == 200
    assert empty_reason_on(response.content.decode()) == on_home


def test_the_administrator_is_pointed_to_platform_management(client, region):
    log_in(client, region.platform_admin)
    html = client.get(HOME).content.decode()
    start = html.index('data-empty-reason="platform_admin"')
    assert f'href="{reverse("admin:index")}"' in html[start:]


def test_the_leerkracht_is_told_that_the_role_gets_no_access(client, region):
    from accounts.roles import Role

    log_in(client, region.leerkracht_a)
    response = client.get(HOME)
    tag = 'data-empty-reason="role_never_granted"'
    html = response.content.decode()
    assert str(Role.LEERKRACHT.label).lower() in html[html.index(tag) :]


def test_someone_of_no_organisation_is_told_so(client, db):
    person = UserFactory(with_mfa=True)
    log_in(client, person)
    assert empty_reason_on(client.get(HOME).content.decode()) == "no_organisation"
    assert empty_reason(person) == EmptyReason.NO_ORGANISATION


def test_a_filtered_empty_list_keeps_saying_no_signal_matches(client, region):
    log_in(client, region.lsc_anker_a)
    response = client.get(SIGNALS, {"q": "pesten"})
    assert response.status_code == 200
    assert empty_reason_on(response.content.decode()) is None


def test_the_readable_sections_are_those_the_sql_lists_find_for_every_persona():
    """The navigation (from the standing, in Python) and the lists (in SQL) agree."""
    region = build_full_region()
    from accounts.models import User

    for person in User.objects.all():
        expected = {
            section for section in Section if dossiers_for_user(person, section=section).exists()
        }
        assert compute_standing(person).readable_sections() == expected, person.email
        assert readable_sections(person) == expected
    assert region  # the region's people are all in the loop above


def test_logging_in_reads_the_standing_so_the_menu_of_the_next_page_costs_nothing(client, region):
    """The menu asks the standing (one UNION ALL query); logging in reads it, so a page of the
    minute after it does not (the query budgets count from there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossier.core.access import access_changed

    access_changed()
    with CaptureQueriesContext(connection) as at_login:
        client.force_login(region.pbd_begeleider_a)
    assert [q for q in at_login.captured_queries if "UNION ALL" in q["sql"]]
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("accounts:notifications"))
    assert response.status_code == 200
    assert SIGNALS in hrefs(response.content.decode(), "topnav")
    assert not [q for q in page.captured_queries if "UNION ALL" in q["sql"]]
