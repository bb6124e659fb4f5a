"""Effective access: a grant AND an active membership AND (for partners) an active partnership.

Access ends at once when any of these ends, and within a dossier each section is open to some
partner kinds only (the need-to-know table in dossier.core.access).
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Partnership
from accounts.roles import Role
from accounts.services import membership_end, partnership_create, partnership_end
from accounts.tests.factories import UserFactory
from conftest import PERSONAS, member
from dossier.core.access import (
    Section,
    dossier_with_access,
    dossiers_for_user,
    people_with_access,
    require_section,
    user_flags,
)
from dossier.core.services import AccessLevel, access_grant

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def sees(user, dossier, section=Section.OVERZICHT, *, write=False) -> bool:
    return dossiers_for_user(user, section=section, write=write).filter(pk=dossier.pk).exists()


def opens(user, dossier, section=Section.OVERZICHT, *, write=False) -> bool:
    """True if require_section lets ``user`` in; False on 404; PermissionDenied passes through."""
    try:
        require_section(user, dossier.pk, section, write=write)
    except Http404:
        return False
    return True


def membership_of(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def partnership_of(region, partner) -> Partnership:
    return Partnership.objects.get(school=region.school_a, partner=partner)


# --- memberships -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "organisation"),
    [
        ("zorg_a", "school_a"),
        ("clb_medewerker_a", "clb_a"),
        ("lsc_anker_a", "lsc_a"),
        ("pbd_begeleider_a", "pbd_a"),
        ("directie_a", "school_a"),
    ],
)
def test_access_ends_at_once_when_the_membership_ended_yesterday(region, persona, organisation):
    user = region.persona(persona)
    assert sees(user, region.dossier_a)
    assert opens(user, region.dossier_a)

    membership_end(
        membership=membership_of(user, getattr(region, organisation)), end_date=YESTERDAY
    )

    assert not sees(user, region.dossier_a)
    assert not opens(user, region.dossier_a)
    assert user.pk not in people_with_access(region.dossier_a).values_list("pk", flat=True)
    with pytest.raises(Http404):
        require_section(user, region.dossier_a.pk, Section.OVERZICHT)


def test_a_membership_that_ends_today_still_gives_access_today(region):
    membership_end(membership=membership_of(region.zorg_a, region.school_a), end_date=TODAY)

    assert sees(region.zorg_a, region.dossier_a)
    assert opens(region.zorg_a, region.dossier_a)


def test_a_membership_that_starts_tomorrow_gives_no_access_yet(region):
    begeleider = UserFactory()
    Membership.objects.create(
        user=begeleider,
        organisation=region.school_a,
        role=Role.LEERLINGENBEGELEIDER,
        start_date=TOMORROW,
        status=Membership.Status.CONFIRMED,
    )
    assign_perm("dossier.view_dossier", begeleider, region.dossier_a)

    assert not sees(begeleider, region.dossier_a)
    assert not opens(begeleider, region.dossier_a)


def test_a_directie_whose_membership_ended_loses_access_management_too(region):
    membership_end(membership=membership_of(region.directie_a, region.school_a), end_date=YESTERDAY)

    assert not sees(region.directie_a, region.dossier_a, Section.TOEGANG)
    with pytest.raises(Http404):
        require_section(region.directie_a, region.dossier_a.pk, Section.TOEGANG, write=True)


def test_access_ends_when_a_zorgteam_members_role_changes_to_leerkracht(region):
    assert sees(region.zorg_a, region.dossier_a, Section.SIGNALEN, write=True)
    membership = membership_of(region.zorg_a, region.school_a)

    membership.role = Role.LEERKRACHT
    membership.full_clean()
    membership.save(update_fields=["role"])

    # the grant is still stored, but it no longer works
    assert region.zorg_a.dossieruserobjectpermission_set.filter(
        content_object=region.dossier_a
    ).exists()
    for section in Section:
        assert not sees(region.zorg_a, region.dossier_a, section)
        assert not opens(region.zorg_a, region.dossier_a, section)


def test_a_zorgteam_member_who_moves_to_another_school_keeps_nothing_at_the_first(region):
    membership_end(membership=membership_of(region.zorg_a, region.school_a), end_date=YESTERDAY)
    Membership.objects.create(
        user=region.zorg_a,
        organisation=region.school_b,
        role=Role.ZORGCOORDINATOR,
        status=Membership.Status.CONFIRMED,
    )

    assert not sees(region.zorg_a, region.dossier_a)
    assert not sees(region.zorg_a, region.dossier_b)  # no grant at the new school yet


def test_a_switched_off_account_opens_no_dossier(region):
    region.clb_medewerker_a.is_active = False
    region.clb_medewerker_a.save(update_fields=["is_active"])

    for section in Section:
        assert not opens(region.clb_medewerker_a, region.dossier_a, section)


def test_a_switched_off_account_gets_an_empty_dossier_list(region):
    region.clb_medewerker_a.is_active = False
    region.clb_medewerker_a.save(update_fields=["is_active"])

    for section in Section:
        assert list(dossiers_for_user(region.clb_medewerker_a, section=section)) == []


def test_an_anonymous_user_gets_an_empty_dossier_list(region):
    assert list(dossiers_for_user(AnonymousUser())) == []
    assert list(dossiers_for_user(AnonymousUser(), section=Section.SIGNALEN, write=True)) == []


# --- partnerships ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "partner"),
    [("clb_medewerker_a", "clb_a"), ("lsc_anker_a", "lsc_a"), ("pbd_begeleider_a", "pbd_a")],
)
def test_access_ends_at_once_when_the_partnership_ended_yesterday(region, persona, partner):
    user = region.persona(persona)
    assert sees(user, region.dossier_a)

    partnership_end(
        partnership=partnership_of(region, getattr(region, partner)), end_date=YESTERDAY
    )

    for section in Section:
        assert not sees(user, region.dossier_a, section)
        assert not opens(user, region.dossier_a, section)
    # the others keep theirs
    assert sees(region.zorg_a, region.dossier_a)
    assert sees(region.directie_a, region.dossier_a)


def test_ending_one_partnership_leaves_the_other_partners_their_access(region):
    partnership_end(partnership=partnership_of(region, region.clb_a), end_date=YESTERDAY)

    assert not sees(region.clb_medewerker_a, region.dossier_a)
    assert sees(region.lsc_anker_a, region.dossier_a, Section.LEERSTEUN, write=True)
    assert sees(region.pbd_begeleider_a, region.dossier_a, Section.SIGNALEN)


def test_a_partnership_that_ends_today_still_gives_access_today(region):
    partnership_end(partnership=partnership_of(region, region.clb_a), end_date=TODAY)

    assert sees(region.clb_medewerker_a, region.dossier_a, Section.CONSULTATIES, write=True)


def test_the_new_clb_of_a_school_does_not_inherit_the_old_clbs_grants(region):
    partnership_end(partnership=partnership_of(region, region.clb_a), end_date=YESTERDAY)
    partnership_create(school=region.school_a, partner=region.clb_other, start_date=TODAY)

    # the old CLB's staff lost access; the new CLB's staff only with a grant of their own
    assert not sees(region.clb_medewerker_a, region.dossier_a)
    newcomer = member(region.clb_other, Role.CLB_MEDEWERKER)
    assert not sees(newcomer, region.dossier_a)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=newcomer,
        level=AccessLevel.VIEW,
    )
    assert sees(newcomer, region.dossier_a, Section.CONSULTATIES)


def test_a_stale_grant_without_a_partnership_gives_nothing(region):
    user = region.clb_medewerker_other
    assert user.dossieruserobjectpermission_set.filter(content_object=region.dossier_a).exists()

    assert not dossiers_for_user(user).exists()
    for section in Section:
        assert not sees(user, region.dossier_a, section)
        assert not opens(user, region.dossier_a, section)
    _dossier, access = dossier_with_access(user, region.dossier_a.pk)
    assert not access.has_any
    assert not access.can_manage


def test_a_stale_grant_starts_to_work_once_a_partnership_exists(region):
    # the other half of the rule: the grant is the same, only the partnership changes
    partnership_end(partnership=partnership_of(region, region.clb_a), end_date=YESTERDAY)
    partnership_create(school=region.school_a, partner=region.clb_other, start_date=TODAY)

    assert sees(region.clb_medewerker_other, region.dossier_a)


# --- platform administrators -----------------------------------------------------------------


def test_a_platform_admin_without_grant_sees_no_dossier(region):
    assert not dossiers_for_user(region.platform_admin).exists()
    for dossier, section in itertools.product((region.dossier_a, region.dossier_b), Section):
        assert not opens(region.platform_admin, dossier, section)


def test_a_superuser_without_grant_sees_no_dossier(region):
    superuser = UserFactory(is_staff=True, is_superuser=True, with_mfa=True)

    assert not dossiers_for_user(superuser).exists()
    for section in Section:
        assert not sees(superuser, region.dossier_a, section)
        with pytest.raises(Http404):
            require_section(superuser, region.dossier_a.pk, section)


def test_a_superuser_with_a_bare_grant_but_no_membership_sees_nothing(region):
    superuser = UserFactory(is_staff=True, is_superuser=True, with_mfa=True)
    assign_perm("dossier.contribute_dossier", superuser, region.dossier_a)
    assign_perm("dossier.view_dossier", superuser, region.dossier_a)
    assign_perm("dossier.manage_access", superuser, region.dossier_a)

    assert not dossiers_for_user(superuser).exists()
    assert not opens(superuser, region.dossier_a, Section.TOEGANG)


def test_a_dossier_that_does_not_exist_is_a_404(region):
    with pytest.raises(Http404):
        require_section(region.directie_a, 987654321, Section.OVERZICHT)


# --- need to know ----------------------------------------------------------------------------


def test_lsc_reads_leersteun(region):
    dossier, access = require_section(region.lsc_anker_a, region.dossier_a.pk, Section.LEERSTEUN)

    assert dossier == region.dossier_a
    assert access.can_write(Section.LEERSTEUN)


@pytest.mark.parametrize("section", [Section.SIGNALEN, Section.CONSULTATIES, Section.TOEGANG])
def test_lsc_gets_404_on_sections_outside_its_need_to_know(region, section):
    with pytest.raises(Http404):
        require_section(region.lsc_anker_a, region.dossier_a.pk, section)
    assert not sees(region.lsc_anker_a, region.dossier_a, section)


def test_pbd_reads_signalen_but_may_not_write_them(region):
    require_section(region.pbd_begeleider_a, region.dossier_a.pk, Section.SIGNALEN)

    with pytest.raises(PermissionDenied):
        require_section(region.pbd_begeleider_a, region.dossier_a.pk, Section.SIGNALEN, write=True)


def test_pbd_with_a_contribute_grant_still_may_not_write_signalen(region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.pbd_begeleider_a,
        level=AccessLevel.CONTRIBUTE,
    )

    with pytest.raises(PermissionDenied):
        require_section(region.pbd_begeleider_a, region.dossier_a.pk, Section.SIGNALEN, write=True)


def test_pbd_gets_404_on_consultaties_and_leersteun(region):
    for section in (Section.CONSULTATIES, Section.LEERSTEUN):
        with pytest.raises(Http404):
            require_section(region.pbd_begeleider_a, region.dossier_a.pk, section)


def test_clb_writes_signalen_and_consultaties_and_only_reads_leersteun(region):
    user = region.clb_medewerker_a
    require_section(user, region.dossier_a.pk, Section.SIGNALEN, write=True)
    require_section(user, region.dossier_a.pk, Section.CONSULTATIES, write=True)
    require_section(user, region.dossier_a.pk, Section.LEERSTEUN)

    with pytest.raises(PermissionDenied):
        require_section(user, region.dossier_a.pk, Section.LEERSTEUN, write=True)


def test_zorg_a_without_manage_right_gets_404_on_toegang(region):
    require_section(region.zorg_a, region.dossier_a.pk, Section.SIGNALEN, write=True)

    with pytest.raises(Http404):
        require_section(region.zorg_a, region.dossier_a.pk, Section.TOEGANG)


def test_zorg_a_with_a_delegated_manage_right_opens_toegang(region):
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.CONTRIBUTE,
        can_manage=True,
    )

    _dossier, access = require_section(
        region.zorg_a, region.dossier_a.pk, Section.TOEGANG, write=True
    )
    assert access.can_manage


def test_directie_reads_and_writes_every_section_without_a_grant(region):
    for section in Section:
        require_section(region.directie_a, region.dossier_a.pk, section)
        if section != Section.OVERZICHT:  # the front page is written by nobody
            require_section(region.directie_a, region.dossier_a.pk, section, write=True)


def test_directie_of_school_b_gets_404_on_school_a(region):
    for section in Section:
        with pytest.raises(Http404):
            require_section(region.directie_b, region.dossier_a.pk, section)


# --- the SQL path and the Python path agree --------------------------------------------------


def _disagreements(region) -> list[str]:
    wrong = []
    for persona, dossier, section, write in itertools.product(
        [name for name in PERSONAS if name != "anonymous"],
        (region.dossier_a, region.dossier_b),
        Section,
        (False, True),
    ):
        user = region.persona(persona)
        by_sql = (
            dossiers_for_user(user, section=section, write=write).filter(pk=dossier.pk).exists()
        )
        _found, access = dossier_with_access(user, dossier.pk)
        by_python = access.can_write(section) if write else access.can_read(section)
        try:
            require_section(user, dossier.pk, section, write=write)
            by_require = True
        except (Http404, PermissionDenied):
            by_require = False
        if not by_sql == by_python == by_require:
            wrong.append(
                f"{persona} {dossier} {section} write={write}: "
                f"sql={by_sql} python={by_python} require_section={by_require}"
            )
    return wrong


def test_sql_and_python_paths_agree_for_every_persona_and_section(region):
    assert _disagreements(region) == []


def test_sql_and_python_paths_agree_after_partnerships_and_memberships_change(region):
    partnership_end(partnership=partnership_of(region, region.clb_a), end_date=YESTERDAY)
    partnership_create(school=region.school_a, partner=region.clb_other, start_date=TODAY)
    membership_end(membership=membership_of(region.lsc_anker_a, region.lsc_a), end_date=YESTERDAY)
    access_grant(
        dossier=region.dossier_a,
        granted_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.zorg_a,
        level=AccessLevel.VIEW,
        can_manage=True,
    )
    # a grant written past the service: a leerkracht with a raw contribute grant
    assign_perm("dossier.contribute_dossier", region.leerkracht_a, region.dossier_a)
    assign_perm("dossier.view_dossier", region.leerkracht_a, region.dossier_a)

    assert _disagreements(region) == []


def test_the_need_to_know_table_per_persona(region):
    """What each persona may read in school A's dossier (read through the SQL path)."""
    expected = {
        "directie_a": set(Section),
        "zorg_a": set(Section) - {Section.TOEGANG},
        "leerkracht_a": set(),
        "clb_medewerker_a": set(Section) - {Section.TOEGANG},
        "clb_medewerker_other": set(),
        "lsc_anker_a": {
            Section.OVERZICHT,
            Section.DOCUMENTEN,
            Section.AFSPRAKEN,
            Section.OVERLEG,
            Section.LEERSTEUN,
        },
        "pbd_begeleider_a": {
            Section.OVERZICHT,
            Section.SIGNALEN,
            Section.DOCUMENTEN,
            Section.AFSPRAKEN,
            Section.OVERLEG,
        },
        "platform_admin": set(),
    }
    actual = {
        persona: {s for s in Section if sees(region.persona(persona), region.dossier_a, s)}
        for persona in expected
    }
    assert actual == expected
