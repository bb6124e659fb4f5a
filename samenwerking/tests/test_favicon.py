"""The app's icon: linked from every layout, and /favicon.ico answers for the browsers that ask
for it anyway (a PDF, a download, an error page), so that nobody's console shows a 404."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from conftest import member

ICON = "img/favicon.svg"


def test_the_icon_is_an_svg_of_our_own():
    path = finders.find(ICON)
    assert path is not None
    with open(path, encoding="utf-8") as svg:
        text = svg.read()
    assert text.startswith("<svg") and 'viewBox="0 0 32 32"' in text
    # no script and nothing fetched from elsewhere
    assert "<script" not in text and "href=" not in text


@pytest.mark.django_db
def test_favicon_ico_sends_everyone_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static(ICON)
    assert reverse("favicon") == "/favicon.ico"
    # a day in the browser's cache, not forever: the icon's address changes with its content
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_favicon_ico_answers_head_and_refuses_post(client):
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_a_person_who_must_still_set_up_mfa_gets_the_icon_without_a_warning(client, region):
    """The MFA requirement sends such a person to the setup page, with a warning, from every
    page: the browser's request for the icon is no page, and leaves no warning behind."""
    person = member(region.clb_a, Role.CLB_MEDEWERKER, mfa=False)
    client.force_login(person)

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static(ICON)
    assert not list(response.wsgi_request._messages)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_the_login_pages_link_the_icon(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    assert re.search(
        rf'<link rel="icon" href="{re.escape(static(ICON))}" type="image/svg\+xml">', html
    )


@pytest.mark.django_db
def test_the_admin_links_the_icon_its_stylesheet_and_script(client):
    admin = UserFactory(is_staff=True, with_mfa=True)
    client.force_login(admin)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'<link rel="icon" href="{static(ICON)}" type="image/svg+xml">' in html
    assert f'href="{static("css/admin.css")}"' in html
    assert f'src="{static("js/admin.js")}"' in html
