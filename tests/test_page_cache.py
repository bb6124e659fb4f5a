"""The page cache serves a page again only to the same session, only while nothing it shows
changed, and never past an access check (dossier.core.pagecache)."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from consultatie.section import NOTE_LISTED
from consultatie.tests.factories import ConsultatieFactory
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.core.pagecache import HEADER
from dossier.core.services import access_revoke
from signalen.models import Aanvulling
from signalen.tests.factories import SignaalFactory
from signalen.workflow import Kind

pytestmark = pytest.mark.django_db


def signal_in_a(region, **kwargs):
    return SignaalFactory(dossier=region.dossier_a, author=region.clb_medewerker_a, **kwargs)


def list_url(region):
    return reverse("signalen:list", kwargs={"pk": region.dossier_a.pk})


def detail_url(region, signaal):
    return reverse("signalen:detail", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk})


def test_the_second_request_is_served_and_the_same_page(client, region):
    signal_in_a(region, title="Zorgen om de speeltijd")
    client.force_login(region.clb_medewerker_a)
    first = client.get(list_url(region))
    second = client.get(list_url(region))
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    token = re.compile(rb'value="[A-Za-z0-9]{64}"|"X-CSRFToken": "[A-Za-z0-9]{64}"')
    assert token.sub(b"", first.content) == token.sub(b"", second.content)
    assert b"Zorgen om de speeltijd" in second.content


def test_a_write_shows_on_the_next_request(client, region):
    signaal = signal_in_a(region, title="Eerste signaal")
    client.force_login(region.clb_medewerker_a)
    client.get(list_url(region))
    assert client.get(list_url(region))[HEADER] == "hit"
    signal_in_a(region, title="Tweede signaal")  # through the service, as the UI does
    response = client.get(list_url(region))
    assert response[HEADER] == "miss"
    assert b"Tweede signaal" in response.content
    # a supplement (a row two keys from the dossier) shows on the signal's page at once
    client.get(detail_url(region, signaal))
    Aanvulling.objects.create(
        signaal=signaal,
        author=region.clb_medewerker_a,
        author_organisation=region.clb_a,
        kind=Kind.ADVIES,
        text="Een gesprek met de ouders plannen.",
    )
    response = client.get(detail_url(region, signaal))
    assert response[HEADER] == "miss"
    assert b"Een gesprek met de ouders plannen." in response.content


def test_one_persons_page_is_never_served_to_another(client, region):
    signal_in_a(region)
    client.force_login(region.clb_medewerker_a)
    client.get(list_url(region))
    assert client.get(list_url(region))[HEADER] == "hit"
    other = Client()
    other.force_login(region.lsc_anker_a)
    response = other.get(list_url(region))
    assert response.status_code == 404  # the LSC does not read signals
    other.force_login(region.directie_a)
    assert other.get(list_url(region))[HEADER] == "miss"
    # a new login of the same person starts afresh too
    client.logout()
    client.force_login(region.clb_medewerker_a)
    assert client.get(list_url(region))[HEADER] == "miss"


def test_access_is_checked_before_the_cache(client, region):
    signaal = signal_in_a(region)
    client.force_login(region.zorg_a)
    client.get(detail_url(region, signaal))
    assert client.get(detail_url(region, signaal))[HEADER] == "hit"
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
    )
    assert client.get(detail_url(region, signaal)).status_code == 404
    assert client.get(list_url(region)).status_code == 404


def test_a_served_page_carries_a_token_that_posts(region):
    signaal = signal_in_a(region)
    client = Client(enforce_csrf_checks=True)
    client.force_login(region.zorg_a)
    client.get(detail_url(region, signaal))
    served = client.get(detail_url(region, signaal))
    assert served[HEADER] == "hit"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', served.content)
    url = reverse(
        "signalen:aanvulling_add", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk}
    )
    response = client.post(
        url,
        {
            "kind": Kind.DUIDING,
            "text": "Vooral op maandag.",
            "csrfmiddlewaretoken": token[1].decode(),
        },
    )
    assert response.status_code == 302
    page = client.get(detail_url(region, signaal))
    assert HEADER not in page  # it shows the message "added": rendered, not stored
    assert b"Vooral op maandag." in page.content


def test_a_page_with_a_message_waiting_is_rendered(client, region):
    signaal = signal_in_a(region)
    client.force_login(region.zorg_a)
    client.get(detail_url(region, signaal))
    url = reverse(
        "signalen:aanvulling_add", kwargs={"pk": region.dossier_a.pk, "signaal_pk": signaal.pk}
    )
    response = client.post(url, {"kind": Kind.DUIDING, "text": "Met een bericht."}, follow=True)
    # the page after the write shows its message, and was not taken from the cache
    assert response.redirect_chain
    assert response.context["messages"]
    assert b'class="messages"' in response.content
    # the next request has no message: it may be stored, and it does not show the old one
    again = client.get(detail_url(region, signaal))
    assert b'class="messages"' not in again.content


def test_a_served_list_of_notes_records_its_notes_again(client, region):
    note = ConsultatieFactory(dossier=region.dossier_a, author=region.clb_medewerker_a)
    client.force_login(region.clb_medewerker_a)
    url = reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk})

    def listed():
        return AuditEvent.objects.filter(
            dossier=region.dossier_a, actor=region.clb_medewerker_a, action=NOTE_LISTED.key
        ).count()

    client.get(url)
    assert listed() == 1
    response = client.get(url)
    assert response[HEADER] == "hit"
    assert listed() == 2  # who saw the note stays a plain filter, served or rendered
    assert note.question[:20].encode() in response.content


def test_a_cross_school_list_notices_a_write_in_any_school(client, region):
    signal_in_a(region, title="Signaal van school A")
    client.force_login(region.clb_medewerker_a)
    url = reverse("signalen:my_schools")
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    signal_in_a(region, title="Nog een signaal")
    response = client.get(url)
    assert response[HEADER] == "miss"
    assert b"Nog een signaal" in response.content


@override_settings(PAGE_CACHE_SECONDS=0)
def test_switched_off_every_page_is_rendered(client, region):
    signal_in_a(region)
    client.force_login(region.clb_medewerker_a)
    client.get(list_url(region))
    response = client.get(list_url(region))
    assert response.status_code == 200
    assert HEADER not in response


def test_a_refused_filter_is_never_stored(client, region):
    signal_in_a(region)
    client.force_login(region.clb_medewerker_a)
    for _ in range(2):
        response = client.get(list_url(region), {"school_year": "geen-jaar"})
        assert response.status_code == 400
        assert response[HEADER] == "miss"


def test_a_post_to_a_page_that_is_served_always_runs(client, region):
    # a document's page is served from the cache for GET; a new version is a POST
    from dossier.documenten.tests.test_documents import share, urls

    document = share(region, for_clb=True)
    client.force_login(region.clb_medewerker_a)
    url = urls(document)["detail"]
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    response = client.post(url, {})
    assert HEADER not in response
    assert response.status_code == 400


def test_a_served_search_records_its_hits_again(client, region):
    ConsultatieFactory(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        question="Hoe helpen we de klas bij het plannen van huiswerk?",
    )
    client.force_login(region.clb_medewerker_a)
    url = reverse("zoeken:zoeken")

    def shown():
        return AuditEvent.objects.filter(
            dossier=region.dossier_a, actor=region.clb_medewerker_a, section="consultaties"
        ).count()

    client.get(url, {"q": "huiswerk"})
    once = shown()
    assert once >= 1
    response = client.get(url, {"q": "huiswerk"})
    assert response[HEADER] == "hit"
    assert shown() == 2 * once
    assert b"huiswerk" in response.content


def test_the_audit_log_shows_a_read_of_a_moment_ago(client, region):
    # reading a note is no change of the content, but the audit log shows it at once
    note = ConsultatieFactory(dossier=region.dossier_a, author=region.clb_medewerker_a)
    client.force_login(region.directie_a)
    url = reverse("dossier:auditlog", kwargs={"pk": region.dossier_a.pk})
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    reader = Client()
    reader.force_login(region.clb_medewerker_a)
    reader.get(
        reverse("consultatie:detail", kwargs={"pk": region.dossier_a.pk, "note_pk": note.pk})
    )
    response = client.get(url)
    assert response[HEADER] == "miss"
    assert response.context["page"][0].actor == region.clb_medewerker_a


@override_settings(PAGE_CACHE_PER_SESSION=3)
def test_a_session_stores_a_bounded_number_of_pages(client, region):
    # a crawler walking page numbers or filters does not fill the cache
    signal_in_a(region)
    client.force_login(region.clb_medewerker_a)
    for number in range(1, 6):
        client.get(list_url(region), {"page": number})
    served = [client.get(list_url(region), {"page": n})[HEADER] for n in range(1, 6)]
    assert served == ["hit", "hit", "hit", "miss", "miss"]
