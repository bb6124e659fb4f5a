"""Every help text a form field points at (``aria-describedby``, which Django sets on each
widget whose field has one) is on the page with that id, so a screen reader reads it with the
field; and every ``<label for>`` names a field that is there."""

import re

import pytest
from django.urls import reverse

from conftest import log_in

pytestmark = pytest.mark.django_db

PAGES = [
    ("clb_medewerker_a", "signalen:create", True),
    ("clb_medewerker_a", "consultatie:create", True),
    ("zorg_a", "documenten:document_upload", True),
    ("directie_a", "medewerkers:invite", False),
]


def ids_on(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.parametrize(("persona", "name", "per_dossier"), PAGES)
def test_every_described_by_and_label_points_at_an_element_of_the_page(
    client, region, persona, name, per_dossier
):
    log_in(client, getattr(region, persona))
    if per_dossier:
        url = reverse(name, kwargs={"pk": region.dossier_a.pk})
    else:
        url = reverse(name, kwargs={"org_pk": region.school_a.pk})

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    ids = ids_on(html)
    described = [
        target
        for value in re.findall(r'aria-describedby="([^"]+)"', html)
        for target in value.split()
    ]
    assert described, "the page has fields with a help text"
    assert [t for t in described if t not in ids] == []
    labelled = re.findall(r'<label[^>]*\sfor="([^"]+)"', html)
    assert [t for t in labelled if t not in ids] == []
