"""Granting and revoking access to a dossier: access_grant, access_revoke and the Toegangsbeheer page.

School-side only the directie and the zorgteam can get access; partner-side only staff of a
current partner. Only managers (the directie, or a zorgteam member it delegated to) may change
access, and every change is audit-logged.
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Partnership
from accounts.roles import Role
from accounts.services import membership_end, partnership_end
from accounts.tests.factories import AuthenticatorFactory, MembershipFactory, UserFactory
from conftest import member
from dossier.core.access import (
    CLB,
    LSC,
    PBD,
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    PERM_VIEW,
    SCHOOL,
    Section,
    dossiers_for_user,
    user_flags,
)
from dossier.core.models import AuditEvent, DossierUserObjectPermission
from dossier.core.services import AccessLevel, access_grant, access_revoke

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def codenames(dossier, user) -> set[str]:
    return set(
        DossierUserObjectPermission.objects.filter(content_object=dossier, user=user).values_list(
            "permission__codename", flat=True
        )
    )


def events(dossier, **filters):
    return AuditEvent.objects.filter(dossier=dossier, **filters)


def has_dossier(user, dossier, **kwargs) -> bool:
    return dossiers_for_user(user, **kwargs).filter(pk=dossier.pk).exists()


# --- who can be given access -----------------------------------------------------------------


def test_directie_grants_read_access_to_a_zorgteam_member(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=begeleider,
        level=AccessLevel.VIEW,
    )

    assert codenames(region.dossier_a, begeleider) == {PERM_VIEW}
    access = user_flags(begeleider, region.dossier_a)
    assert access.read_sides == {SCHOOL}
    assert access.write_sides == set()
    assert has_dossier(begeleider, region.dossier_a)
    assert not has_dossier(begeleider, region.dossier_a, section=Section.SIGNALEN, write=True)


def test_directie_grants_contribute_access_to_a_zorgteam_member(region):
    zorgleerkracht = member(region.school_a, Role.ZORGLEERKRACHT)

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=zorgleerkracht,
        level=AccessLevel.CONTRIBUTE,
    )

    assert codenames(region.dossier_a, zorgleerkracht) == {PERM_VIEW, PERM_CONTRIBUTE}
    assert user_flags(zorgleerkracht, region.dossier_a).write_sides == {SCHOOL}
    assert has_dossier(zorgleerkracht, region.dossier_a, section=Section.SIGNALEN, write=True)


@pytest.mark.parametrize("role", [Role.LEERKRACHT, Role.ADMINISTRATIEF])
def test_leerkracht_or_administratief_cannot_be_granted_access_and_is_told_why(region, role):
    person = member(region.school_a, role, first_name="Lotte", last_name="Peeters")

    with pytest.raises(ValidationError) as refused:
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=person,
            level=AccessLevel.VIEW,
        )

    message = " ".join(refused.value.messages)
    assert "Lotte Peeters" in message
    assert "directie" in message.lower()
    assert "zorgteam" in message.lower()
    assert codenames(region.dossier_a, person) == set()
    assert not events(region.dossier_a, subject_user=person).exists()
    assert not has_dossier(person, region.dossier_a)


def test_the_leerkracht_persona_cannot_be_granted_access_either(region):
    with pytest.raises(ValidationError, match="zorgteam"):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.leerkracht_a,
            level=AccessLevel.CONTRIBUTE,
        )
    assert codenames(region.dossier_a, region.leerkracht_a) == set()


def test_another_directie_member_needs_no_grant_and_is_told_so(region):
    adjunct = member(region.school_a, Role.DIRECTIE)

    with pytest.raises(ValidationError, match="directie"):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=adjunct,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, adjunct) == set()


@pytest.mark.parametrize(
    ("partner", "role", "side"),
    [
        ("clb_a", Role.CLB_DIRECTEUR, CLB),
        ("pbd_a", Role.PBD_BEGELEIDER, PBD),
        ("lsc_a", Role.LSC_ONDERSTEUNER, LSC),
    ],
)
def test_staff_of_an_active_partner_can_be_granted_access(region, partner, role, side):
    person = member(getattr(region, partner), role)

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=person,
        level=AccessLevel.CONTRIBUTE,
    )

    assert codenames(region.dossier_a, person) == {PERM_VIEW, PERM_CONTRIBUTE}
    assert user_flags(person, region.dossier_a).read_sides == {side}
    assert has_dossier(person, region.dossier_a)


def test_staff_of_a_clb_that_is_not_a_partner_is_refused(region):
    outsider = member(region.clb_other, Role.CLB_MEDEWERKER)

    with pytest.raises(ValidationError) as refused:
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=outsider,
            level=AccessLevel.VIEW,
        )

    message = " ".join(refused.value.messages)
    assert region.clb_other.name in message
    assert "partner" in message
    assert codenames(region.dossier_a, outsider) == set()


def test_staff_of_a_clb_that_is_no_longer_a_partner_is_refused(region):
    partnership_end(
        partnership=Partnership.objects.get(school=region.school_a, partner=region.clb_a),
        end_date=YESTERDAY,
    )
    former_partner_staff = member(region.clb_a, Role.CLB_MEDEWERKER)

    with pytest.raises(ValidationError, match=re.escape(region.clb_a.name)):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=former_partner_staff,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, former_partner_staff) == set()


def test_the_stale_grant_of_a_non_partner_cannot_be_raised_to_contribute(region):
    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.clb_medewerker_other,
            level=AccessLevel.CONTRIBUTE,
        )
    assert codenames(region.dossier_a, region.clb_medewerker_other) == {PERM_VIEW}


def test_a_person_whose_membership_ended_is_refused(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    membership_end(membership=begeleider.memberships.get(), end_date=YESTERDAY)

    with pytest.raises(ValidationError, match=re.escape(str(begeleider))):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )


def test_a_person_without_any_role_is_refused(region):
    stranger = UserFactory()

    with pytest.raises(ValidationError, match=re.escape(str(stranger))):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=stranger,
            level=AccessLevel.VIEW,
        )


def test_zorgteam_member_of_another_school_is_refused(region):
    elsewhere = member(region.school_b, Role.ZORGCOORDINATOR)

    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=elsewhere,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, elsewhere) == set()


def test_a_switched_off_account_is_refused(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER, is_active=False)

    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, begeleider) == set()


def test_an_unknown_level_is_refused(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=begeleider,
            level="manage",
        )
    assert codenames(region.dossier_a, begeleider) == set()


# --- who may grant ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "zorg_a",  # zorgteam with a contribute grant, but no delegated manage right
        "leerkracht_a",
        "clb_medewerker_a",
        "lsc_anker_a",
        "pbd_begeleider_a",
        "clb_medewerker_other",
        "platform_admin",
        "directie_b",
    ],
)
def test_only_managers_may_grant_others_get_permission_denied(region, persona):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    actor = region.persona(persona)

    with pytest.raises(PermissionDenied):
        access_grant(
            dossier=region.dossier_a,
            granted_by=actor,
            access=user_flags(actor, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, begeleider) == set()
    assert not events(region.dossier_a, subject_user=begeleider).exists()


def test_a_superuser_without_a_role_at_the_school_may_not_grant(region):
    superuser = UserFactory(is_staff=True, is_superuser=True, with_mfa=True)
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    with pytest.raises(PermissionDenied):
        access_grant(
            dossier=region.dossier_a,
            granted_by=superuser,
            access=user_flags(superuser, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )


@pytest.mark.parametrize("persona", ["zorg_a", "clb_medewerker_a", "platform_admin"])
def test_only_managers_may_revoke_others_get_permission_denied(region, persona):
    actor = region.persona(persona)
    with pytest.raises(PermissionDenied):
        access_revoke(
            dossier=region.dossier_a,
            revoked_by=actor,
            access=user_flags(actor, region.dossier_a),
            user=region.pbd_begeleider_a,
        )
    assert codenames(region.dossier_a, region.pbd_begeleider_a) == {PERM_VIEW}


def test_zorgteam_member_with_delegated_manage_right_may_grant(region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    event = access_grant(
        dossier=region.dossier_a,
        granted_by=region.zorg_a,
        access=user_flags(region.zorg_a, region.dossier_a),
        user=begeleider,
        level=AccessLevel.VIEW,
    )

    assert event.actor == region.zorg_a
    assert codenames(region.dossier_a, begeleider) == {PERM_VIEW}


def test_a_delegated_manager_whose_role_became_leerkracht_may_no_longer_grant(region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    membership = region.zorg_a.memberships.get()
    membership.role = Role.LEERKRACHT
    membership.save(update_fields=["role"])
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    with pytest.raises(PermissionDenied):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.zorg_a,
            access=user_flags(region.zorg_a, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )


def test_a_directie_whose_membership_ended_may_no_longer_grant(region):
    membership_end(membership=region.directie_a.memberships.get(), end_date=YESTERDAY)
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    with pytest.raises(PermissionDenied):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=begeleider,
            level=AccessLevel.VIEW,
        )


# --- can_manage, own access, repeats and changes ---------------------------------------------


def test_can_manage_is_given_to_a_school_zorgteam_member(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=begeleider,
        level=AccessLevel.VIEW,
        can_manage=True,
    )

    assert codenames(region.dossier_a, begeleider) == {PERM_VIEW, PERM_MANAGE}
    assert user_flags(begeleider, region.dossier_a).can_manage
    assert has_dossier(begeleider, region.dossier_a, section=Section.TOEGANG)


@pytest.mark.parametrize("persona", ["clb_medewerker_a", "lsc_anker_a", "pbd_begeleider_a"])
def test_can_manage_is_refused_for_partner_staff(region, persona):
    person = region.persona(persona)
    before = codenames(region.dossier_a, person)

    with pytest.raises(ValidationError, match="zorgteam"):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=person,
            level=AccessLevel.CONTRIBUTE,
            can_manage=True,
        )

    assert codenames(region.dossier_a, person) == before
    assert not user_flags(person, region.dossier_a).can_manage


def test_a_manager_cannot_change_their_own_access(region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    count = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.zorg_a,
            access=user_flags(region.zorg_a, region.dossier_a),
            user=region.zorg_a,
            level=AccessLevel.VIEW,
            can_manage=True,
        )
    with pytest.raises(ValidationError):
        access_revoke(
            dossier=region.dossier_a,
            revoked_by=region.zorg_a,
            access=user_flags(region.zorg_a, region.dossier_a),
            user=region.zorg_a,
        )

    assert codenames(region.dossier_a, region.zorg_a) == {PERM_VIEW, PERM_CONTRIBUTE, PERM_MANAGE}
    assert AuditEvent.objects.count() == count


def test_the_directie_cannot_grant_itself_anything(region):
    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.directie_a,
            level=AccessLevel.VIEW,
        )
    assert codenames(region.dossier_a, region.directie_a) == set()


def test_granting_the_same_access_twice_is_refused(region):
    count = events(region.dossier_a).count()

    with pytest.raises(ValidationError, match=re.escape(str(region.zorg_a))):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.zorg_a,
            level=AccessLevel.CONTRIBUTE,
        )

    assert codenames(region.dossier_a, region.zorg_a) == {PERM_VIEW, PERM_CONTRIBUTE}
    assert events(region.dossier_a).count() == count


def test_changing_the_level_records_access_changed(region):
    event = access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.VIEW,
    )

    assert event.action == AuditEvent.Action.ACCESS_CHANGED
    assert event.detail == str(AccessLevel.VIEW.label)
    assert codenames(region.dossier_a, region.zorg_a) == {PERM_VIEW}
    assert user_flags(region.zorg_a, region.dossier_a).write_sides == set()
    assert not has_dossier(region.zorg_a, region.dossier_a, section=Section.SIGNALEN, write=True)


def test_adding_and_dropping_the_manage_right_is_a_change(region):
    added = access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    dropped = access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=False,
    )

    assert added.action == dropped.action == AuditEvent.Action.ACCESS_CHANGED
    assert str(AccessLevel.CONTRIBUTE.label) in added.detail
    assert added.detail != dropped.detail
    assert dropped.detail == str(AccessLevel.CONTRIBUTE.label)
    assert codenames(region.dossier_a, region.zorg_a) == {PERM_VIEW, PERM_CONTRIBUTE}
    assert not user_flags(region.zorg_a, region.dossier_a).can_manage


# --- revoking --------------------------------------------------------------------------------


def test_revoke_removes_effective_access_and_records_access_revoked(region):
    assert has_dossier(region.clb_medewerker_a, region.dossier_a)

    event = access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )

    assert event.action == AuditEvent.Action.ACCESS_REVOKED
    assert event.detail == str(AccessLevel.CONTRIBUTE.label)
    assert codenames(region.dossier_a, region.clb_medewerker_a) == set()
    assert not has_dossier(region.clb_medewerker_a, region.dossier_a)
    assert not user_flags(region.clb_medewerker_a, region.dossier_a).has_any


def test_revoking_someone_without_a_grant_is_refused(region):
    count = events(region.dossier_a).count()

    with pytest.raises(ValidationError, match=re.escape(str(region.leerkracht_a))):
        access_revoke(
            dossier=region.dossier_a,
            revoked_by=region.directie_a,
            access=user_flags(region.directie_a, region.dossier_a),
            user=region.leerkracht_a,
        )
    assert events(region.dossier_a).count() == count


def test_a_stale_grant_can_be_revoked(region):
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_other,
    )
    assert codenames(region.dossier_a, region.clb_medewerker_other) == set()


def test_revoking_on_one_dossier_leaves_grants_on_another(region):
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.VIEW,
    )

    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_other,
    )

    assert codenames(region.dossier_b, region.clb_medewerker_other) == {PERM_VIEW}
    assert has_dossier(region.clb_medewerker_other, region.dossier_b)


# --- the audit trail -------------------------------------------------------------------------


def test_every_grant_and_revoke_writes_an_audit_event_with_actor_subject_and_detail(region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    before = set(events(region.dossier_a).values_list("pk", flat=True))

    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=begeleider,
        level=AccessLevel.VIEW,
    )
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=begeleider,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=begeleider,
    )

    new = list(
        events(region.dossier_a)
        .exclude(pk__in=before)
        .order_by("pk")
        .values_list("actor", "subject_user", "action", "section", "detail")
    )
    contribute = str(AccessLevel.CONTRIBUTE.label)
    assert [row[:4] for row in new] == [
        (region.directie_a.pk, begeleider.pk, AuditEvent.Action.ACCESS_GRANTED, "toegang"),
        (region.directie_a.pk, begeleider.pk, AuditEvent.Action.ACCESS_CHANGED, "toegang"),
        (region.directie_a.pk, begeleider.pk, AuditEvent.Action.ACCESS_REVOKED, "toegang"),
    ]
    assert new[0][4] == str(AccessLevel.VIEW.label)
    assert new[1][4].startswith(contribute) and new[1][4] != contribute
    assert new[2][4] == new[1][4]


def test_the_region_fixture_grants_were_audited(region):
    granted = events(region.dossier_a, action=AuditEvent.Action.ACCESS_GRANTED)
    assert set(granted.values_list("subject_user", flat=True)) == {
        region.zorg_a.pk,
        region.clb_medewerker_a.pk,
        region.lsc_anker_a.pk,
        region.pbd_begeleider_a.pk,
    }
    assert set(granted.values_list("actor", flat=True)) == {region.directie_a.pk}


# --- through the Toegangsbeheer page ---------------------------------------------------------


def toegang_url(region):
    return reverse("dossier:toegangsbeheer", kwargs={"pk": region.dossier_a.pk})


def error_block(response) -> str:
    """The rendered non-field errors of the grant form ('' when there are none)."""
    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', response.text, re.S)
    return match.group(1) if match else ""


def test_directie_grants_access_through_the_page(client, region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    client.force_login(region.directie_a)

    response = client.post(
        toegang_url(region), {"user": begeleider.pk, "level": AccessLevel.CONTRIBUTE}
    )

    assert response.status_code == 302
    assert response["Location"] == toegang_url(region)
    assert codenames(region.dossier_a, begeleider) == {PERM_VIEW, PERM_CONTRIBUTE}
    event = events(region.dossier_a, subject_user=begeleider).get()
    assert event.actor == region.directie_a
    assert event.action == AuditEvent.Action.ACCESS_GRANTED
    page = client.get(toegang_url(region))
    assert escape(str(begeleider)) in page.text


def test_the_page_grants_the_manage_right_when_asked(client, region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    client.force_login(region.directie_a)

    response = client.post(
        toegang_url(region),
        {"user": begeleider.pk, "level": AccessLevel.VIEW, "can_manage": "on"},
    )

    assert response.status_code == 302
    assert codenames(region.dossier_a, begeleider) == {PERM_VIEW, PERM_MANAGE}


def test_leerkracht_refusal_is_shown_on_the_page_with_400_and_nothing_is_written(client, region):
    leerkracht = member(region.school_a, Role.LEERKRACHT, first_name="Lotte", last_name="Peeters")
    count = AuditEvent.objects.count()
    client.force_login(region.directie_a)

    response = client.post(toegang_url(region), {"user": leerkracht.pk, "level": AccessLevel.VIEW})

    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "Lotte Peeters" in errors[0]
    # the service's own explanation (in whatever language is active) is what the page shows
    assert escape(errors[0]) in error_block(response)
    assert codenames(region.dossier_a, leerkracht) == set()
    assert AuditEvent.objects.count() == count


def test_a_refused_partner_manage_right_is_shown_on_the_page(client, region):
    client.force_login(region.directie_a)
    before = codenames(region.dossier_a, region.lsc_anker_a)

    response = client.post(
        toegang_url(region),
        {"user": region.lsc_anker_a.pk, "level": AccessLevel.CONTRIBUTE, "can_manage": "on"},
    )

    assert response.status_code == 400
    assert error_block(response)
    assert codenames(region.dossier_a, region.lsc_anker_a) == before


def test_a_tampered_user_id_of_another_school_gives_a_form_error_not_500(client, region):
    elsewhere = member(region.school_b, Role.ZORGCOORDINATOR)
    count = AuditEvent.objects.count()
    client.force_login(region.directie_a)

    response = client.post(toegang_url(region), {"user": elsewhere.pk, "level": AccessLevel.VIEW})

    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    assert 'class="field-error"' in response.text
    assert codenames(region.dossier_a, elsewhere) == set()
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize("value", ["999999999", "abc", "", "1 OR 1=1"])
def test_a_garbage_user_id_gives_a_form_error_not_500(client, region, value):
    client.force_login(region.directie_a)

    response = client.post(toegang_url(region), {"user": value, "level": AccessLevel.VIEW})

    assert response.status_code == 400
    assert "user" in response.context["form"].errors


def test_an_unknown_level_on_the_page_gives_a_form_error(client, region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    client.force_login(region.directie_a)

    response = client.post(toegang_url(region), {"user": begeleider.pk, "level": "manage"})

    assert response.status_code == 400
    assert "level" in response.context["form"].errors
    assert codenames(region.dossier_a, begeleider) == set()


def grant_options(response) -> tuple[set[int], set[int]]:
    """The people the rendered grant form lets you choose, and those it shows disabled."""
    select = re.search(r'<select name="user".*?</select>', response.text, re.S).group(0)
    enabled, disabled = set(), set()
    for attrs in re.findall(r"<option ([^>]*)>", select):
        value = re.search(r'value="(\d+)"', attrs)
        if value:
            (disabled if "disabled" in attrs else enabled).add(int(value.group(1)))
    return enabled, disabled


def test_the_grant_form_offers_zorgteam_and_partner_staff_but_no_outsiders(client, region):
    client.force_login(region.directie_a)

    response = client.get(toegang_url(region))

    enabled, disabled = grant_options(response)
    assert {region.zorg_a.pk, region.clb_medewerker_a.pk, region.lsc_anker_a.pk} <= enabled
    # still holds a grant, but CLB Schelde is no partner of school A: shown, not selectable
    assert region.clb_medewerker_other.pk in disabled
    assert region.clb_medewerker_other.pk not in enabled
    assert region.directie_b.pk not in enabled | disabled
    assert region.directie_a.pk not in enabled | disabled


def test_the_grant_form_groups_people_by_organisation_school_first(client, region):
    leerkracht = member(region.school_a, Role.LEERKRACHT)
    secretariaat = member(region.school_a, Role.ADMINISTRATIEF)
    client.force_login(region.directie_a)

    response = client.get(toegang_url(region))

    groups = response.context["candidates"]
    organisations = [group.organisation for group in groups]
    assert organisations[0] == region.school_a
    assert organisations[1:-1] == sorted(
        [region.clb_a, region.lsc_a, region.pbd_a], key=lambda org: org.kind
    )
    # the former (never) partner whose staff still hold a grant comes last
    assert organisations[-1] == region.clb_other
    assert not groups[-1].current
    school = {c.user.pk: c for c in groups[0].people}
    assert school[region.zorg_a.pk].eligible
    assert not school[leerkracht.pk].eligible and school[leerkracht.pk].reason
    assert not school[secretariaat.pk].eligible and school[secretariaat.pk].reason
    assert region.directie_a.pk not in school
    # the eligible come first in each group
    assert [c.eligible for c in groups[0].people] == sorted(
        [c.eligible for c in groups[0].people], reverse=True
    )
    # every listed person appears once
    listed = [c.user.pk for group in groups for c in group.people]
    assert len(listed) == len(set(listed))

    # the page: one optgroup per organisation, the ineligible disabled with their reason
    optgroups = re.findall(r'<optgroup label="([^"]*)"', response.text)
    assert optgroups == [escape(org.name) for org in organisations]
    enabled, disabled = grant_options(response)
    assert {
        leerkracht.pk,
        region.leerkracht_a.pk,
        secretariaat.pk,
        region.clb_medewerker_other.pk,
    } == disabled
    assert not enabled & disabled
    assert escape(school[leerkracht.pk].reason) in response.text
    assert escape(groups[-1].people[0].reason) in response.text
    assert region.clb_other.name in groups[-1].people[0].reason


def test_someone_who_is_also_a_leerkracht_is_refused_like_the_service_does(client, region):
    """A leerkracht at the school is never granted, even if they also work for a partner."""
    both = member(region.school_a, Role.LEERKRACHT)
    MembershipFactory(user=both, organisation=region.lsc_a, role=Role.LSC_ONDERSTEUNER)
    client.force_login(region.directie_a)

    response = client.get(toegang_url(region))

    enabled, disabled = grant_options(response)
    assert both.pk in disabled and both.pk not in enabled
    with pytest.raises(ValidationError):
        access_grant(
            dossier=region.dossier_a,
            granted_by=region.directie_a,
            access=response.context["access"],
            user=both,
            level=AccessLevel.VIEW,
        )


@pytest.mark.parametrize("role", [Role.LEERKRACHT, Role.ADMINISTRATIEF])
def test_a_tampered_post_for_a_disabled_person_is_refused_by_the_service(client, region, role):
    person = member(region.school_a, role)
    count = AuditEvent.objects.count()
    client.force_login(region.directie_a)
    _enabled, disabled = grant_options(client.get(toegang_url(region)))
    assert person.pk in disabled

    response = client.post(toegang_url(region), {"user": person.pk, "level": AccessLevel.VIEW})

    assert response.status_code == 400
    # the service's own explanation, not a bare "not a valid choice"
    assert escape(str(person)) in error_block(response)
    assert codenames(region.dossier_a, person) == set()
    assert AuditEvent.objects.count() == count


def test_a_tampered_post_for_staff_of_a_former_partner_is_refused(client, region):
    before = codenames(region.dossier_a, region.clb_medewerker_other)
    client.force_login(region.directie_a)

    response = client.post(
        toegang_url(region),
        {"user": region.clb_medewerker_other.pk, "level": AccessLevel.CONTRIBUTE},
    )

    assert response.status_code == 400
    assert region.clb_other.name in error_block(response)
    assert codenames(region.dossier_a, region.clb_medewerker_other) == before


def test_zorgteam_member_without_manage_right_cannot_post_to_the_page(client, region):
    begeleider = member(region.school_a, Role.LEERLINGENBEGELEIDER)
    client.force_login(region.zorg_a)

    response = client.post(toegang_url(region), {"user": begeleider.pk, "level": AccessLevel.VIEW})

    assert response.status_code == 404
    assert codenames(region.dossier_a, begeleider) == set()


def revoke_url(region, user):
    return reverse("dossier:access_revoke", kwargs={"pk": region.dossier_a.pk, "user_pk": user.pk})


def test_directie_revokes_access_through_the_page(client, region):
    client.force_login(region.directie_a)

    response = client.post(revoke_url(region, region.lsc_anker_a))

    assert response.status_code == 302
    assert response["Location"] == toegang_url(region)
    assert codenames(region.dossier_a, region.lsc_anker_a) == set()
    assert not has_dossier(region.lsc_anker_a, region.dossier_a)
    event = events(region.dossier_a, action=AuditEvent.Action.ACCESS_REVOKED).get()
    assert (event.actor, event.subject_user) == (region.directie_a, region.lsc_anker_a)


def test_revoking_through_the_page_someone_without_a_grant_gives_404(client, region):
    client.force_login(region.directie_a)

    response = client.post(revoke_url(region, region.leerkracht_a))

    assert response.status_code == 404
    assert not events(region.dossier_a, action=AuditEvent.Action.ACCESS_REVOKED).exists()


def test_revoking_through_the_page_a_grant_on_another_dossier_gives_404(client, region):
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=member(region.school_b, Role.ZORGCOORDINATOR),
        level=AccessLevel.VIEW,
    )
    other = DossierUserObjectPermission.objects.filter(content_object=region.dossier_b).first()
    client.force_login(region.directie_a)

    response = client.post(revoke_url(region, other.user))

    assert response.status_code == 404
    assert codenames(region.dossier_b, other.user) == {PERM_VIEW}


def test_revoking_own_access_through_the_page_shows_an_error_and_keeps_it(client, region):
    AuthenticatorFactory(user=region.zorg_a)  # managing access requires MFA
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )
    client.force_login(region.zorg_a)

    response = client.post(revoke_url(region, region.zorg_a), follow=True)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert PERM_MANAGE in codenames(region.dossier_a, region.zorg_a)


def test_revoke_needs_a_post(client, region):
    client.force_login(region.directie_a)

    response = client.get(revoke_url(region, region.lsc_anker_a))

    assert response.status_code == 405
    assert codenames(region.dossier_a, region.lsc_anker_a) == {PERM_VIEW, PERM_CONTRIBUTE}
