"""Every membership and partnership change, made in the admin, by the CSV import or in the app,
lands in the audit log of each dossier it touches, with who did it, in Dutch for the directie."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Partnership
from accounts.roles import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from dossier.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def events(dossier, action):
    return AuditEvent.objects.filter(dossier=dossier, action=action)


def test_a_membership_added_and_ended_in_the_admin_is_in_the_schools_audit_log(client, region):
    person = UserFactory()
    client.force_login(region.platform_admin)
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": person.pk,
            "organisation": region.school_a.pk,
            "role": Role.ZORGCOORDINATOR,
            "start_date": "2024-09-01",
        },
    )
    membership = Membership.objects.get(user=person)
    [event] = events(region.dossier_a, Action.MEMBERSHIP_ADDED)
    assert (event.actor, event.subject_user) == (region.platform_admin, person)
    assert "01/09/2024" in event.detail
    assert not events(region.dossier_b, Action.MEMBERSHIP_ADDED).exists()

    client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "end_today", "_selected_action": [membership.pk]},
    )
    assert events(region.dossier_a, Action.MEMBERSHIP_ENDED).get().actor == region.platform_admin

    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert events(region.dossier_a, Action.MEMBERSHIP_DELETED).get().subject_user == person

    # the directie reads it in the audit log, in Dutch
    client.force_login(region.directie_a)
    page = client.get(reverse("dossier:auditlog", kwargs={"pk": region.dossier_a.pk}))
    text = page.content.decode()
    assert "Lidmaatschap toegevoegd" in text
    assert "Einddatum van lidmaatschap gewijzigd" in text
    assert "Lidmaatschap verwijderd" in text


def test_a_partner_staff_membership_touches_every_school_the_partner_serves(client, region):
    client.force_login(region.platform_admin)
    person = UserFactory()
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": person.pk,
            "organisation": region.clb_a.pk,
            "role": Role.CLB_MEDEWERKER,
            "start_date": "2024-09-01",
        },
    )
    assert events(region.dossier_a, Action.MEMBERSHIP_ADDED).get().subject_user == person
    # CLB Leie does not serve school B
    assert not events(region.dossier_b, Action.MEMBERSHIP_ADDED).exists()


def test_a_membership_row_on_a_persons_page_is_audited_too(client, region):
    from accounts.tests.test_membership_admin import add_row, page_data

    person = UserFactory()
    client.force_login(region.platform_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = add_row(
        page_data(client.get(url)),
        "memberships",
        organisation=region.school_b.pk,
        role=Role.LEERLINGENBEGELEIDER,
        start_date="2024-09-01",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert events(region.dossier_b, Action.MEMBERSHIP_ADDED).get().actor == region.platform_admin


def test_a_partnership_added_ended_and_removed_in_the_admin_is_audited(client, region):
    new_lsc = OrganisationFactory(lsc=True, name="LSC West")
    client.force_login(region.platform_admin)
    client.post(
        reverse("admin:accounts_partnership_add"),
        {"school": region.school_b.pk, "partner": new_lsc.pk, "start_date": "2025-09-01"},
    )
    partnership = Partnership.objects.get(partner=new_lsc)
    # (the region's own partnership with CLB Schelde was logged as by the platform)
    event = events(region.dossier_b, Action.PARTNERSHIP_ADDED).get(detail__contains="LSC West")
    assert event.actor == region.platform_admin

    client.post(
        reverse("admin:accounts_partnership_change", args=[partnership.pk]),
        {"end_date": "2026-06-30"},
    )
    assert events(region.dossier_b, Action.PARTNERSHIP_ENDED).get().actor == region.platform_admin
    client.post(
        reverse("admin:accounts_partnership_delete", args=[partnership.pk]), {"post": "yes"}
    )
    assert not Partnership.objects.filter(pk=partnership.pk).exists()
    assert events(region.dossier_b, Action.PARTNERSHIP_DELETED).exists()

    client.force_login(region.directie_b)
    page = client.get(reverse("dossier:auditlog", kwargs={"pk": region.dossier_b.pk}))
    assert "Partnerschap toegevoegd" in page.content.decode()


def test_the_import_records_each_partnership_it_adds_with_the_administrator(client, region):
    text = (
        "instellingsnummer;naam;straat;postcode;gemeente;clb;pbd;lsc\n"
        f"{region.school_b.instellingsnummer};{region.school_b.name};;;;;;{region.lsc_a.name}\n"
    )
    client.force_login(region.platform_admin)
    response = client.post(
        reverse("admin:accounts_organisation_import"),
        {
            "file": SimpleUploadedFile("scholen.csv", text.encode(), content_type="text/csv"),
            "start_date": datetime.date(2025, 9, 1).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = events(region.dossier_b, Action.PARTNERSHIP_ADDED).get(
        detail__contains=region.lsc_a.name
    )
    assert event.actor == region.platform_admin
