"""What happens to access when a school changes CLB (docs/EXPORT.md, "When a school changes
CLB"): the old CLB's staff lose the dossier with the partnership; the new CLB's staff see
nothing until the school grants them access, and then what the need-to-know table allows,
the history the old CLB wrote included; approvals stay each organisation's own."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Partnership
from accounts.roles import Role
from accounts.services import partnership_create, partnership_end
from accounts.tests.factories import OrganisationFactory
from conftest import log_in, member
from dossier.afspraken.models import Samenwerkingsafspraak
from dossier.core.access import Section, user_flags
from dossier.core.services import AccessLevel, access_grant
from dossier.documenten.models import Document
from dossier.rapporten.tests.export_data import fill_school_a

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def change_clb(region):
    """School A ends its partnership with CLB Leie yesterday and starts one with a new CLB
    today."""
    today = timezone.localdate()
    old = Partnership.objects.get(school=region.school_a, partner=region.clb_a)
    partnership_end(partnership=old, end_date=today - datetime.timedelta(days=1))
    new_clb = OrganisationFactory(clb=True, name="CLB Nieuw")
    partnership_create(school=region.school_a, partner=new_clb, start_date=today)
    return new_clb


def test_the_old_clb_loses_the_dossier_with_the_partnership(client, region):
    fill_school_a(region)
    change_clb(region)
    access = user_flags(region.clb_medewerker_a, region.dossier_a)
    assert not access.has_any
    log_in(client, region.clb_medewerker_a)
    for name in ("dossier:overview", "signalen:list", "consultatie:list"):
        url = reverse(name, kwargs={"pk": region.dossier_a.pk})
        assert client.get(url).status_code == 404, name


def test_the_new_clb_sees_nothing_until_it_is_granted_then_what_the_table_allows(region):
    content = fill_school_a(region)
    new_clb = change_clb(region)
    newcomer = member(new_clb, Role.CLB_MEDEWERKER)
    assert not user_flags(newcomer, region.dossier_a).has_any

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=newcomer,
        level=AccessLevel.CONTRIBUTE,
    )
    access = user_flags(newcomer, region.dossier_a)
    # the CLB's sections, with what the old CLB wrote
    for section in (
        Section.SIGNALEN,
        Section.CONSULTATIES,
        Section.DOCUMENTEN,
        Section.AFSPRAKEN,
        Section.OVERLEG,
        Section.LEERSTEUN,
    ):
        assert access.can_read(section), section
    assert not access.can_read(Section.TOEGANG)
    assert not access.is_directie
    # documents and agreements by their audience: shared with "the CLB", whichever it is
    shared = [d for d in content["documents"] if d.for_clb]
    assert all(access.can_read_item(d) for d in shared)
    kept_from_clb = Document.objects.get(pk=content["documents"][-1].pk)
    assert not kept_from_clb.for_clb and not access.can_read_item(kept_from_clb)
    assert access.can_read_item(Samenwerkingsafspraak.objects.get(pk=content["draft"].pk))
    # an approval the old CLB still owed is not the new CLB's to give
    draft = Samenwerkingsafspraak.objects.get(pk=content["draft"].pk)
    party = draft.versies.get().partijen.get(kind="clb")
    assert party.organisation_id == region.clb_a.pk
    assert not access.may_approve(party)


def test_the_new_clb_cannot_be_granted_before_its_partnership_starts(region):
    new_clb = OrganisationFactory(clb=True, name="CLB Later")
    partnership_end(
        partnership=Partnership.objects.get(school=region.school_a, partner=region.clb_a),
        end_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    partnership_create(
        school=region.school_a,
        partner=new_clb,
        start_date=timezone.localdate() + datetime.timedelta(days=31),
    )
    newcomer = member(new_clb, Role.CLB_MEDEWERKER)
    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=newcomer,
            level=AccessLevel.VIEW,
        )


def test_a_grant_left_over_counts_again_when_its_clb_becomes_the_partner(region):
    """CLB Schelde's medewerker holds a view grant on A from before (build_region): it gives
    nothing while CLB Schelde is not A's partner, and counts again once it is. The directie
    revokes such grants when a partnership ends (docs/EXPORT.md)."""
    assert not user_flags(region.clb_medewerker_other, region.dossier_a).has_any
    partnership_end(
        partnership=Partnership.objects.get(school=region.school_a, partner=region.clb_a),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    partnership_create(
        school=region.school_a, partner=region.clb_other, start_date=timezone.localdate()
    )
    assert user_flags(region.clb_medewerker_other, region.dossier_a).can_read(Section.SIGNALEN)
