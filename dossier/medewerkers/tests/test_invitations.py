"""Inviting a colleague, sending again, withdrawing, and accepting (the services)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, UserFactory
from dossier.core.models import AuditEvent
from dossier.medewerkers import services
from dossier.medewerkers.models import Invitation, OrganisationEvent
from dossier.medewerkers.selectors import invitation_for_token
from dossier.medewerkers.tests.conftest import manager_of, token_in

pytestmark = pytest.mark.django_db


def create(staff, **fields):
    values = {
        "email": "nieuw@clbleie.be",
        "first_name": "Nora",
        "last_name": "Nieuwe",
        "role": Role.CLB_MEDEWERKER,
        "start_date": timezone.localdate(),
    } | fields
    return services.invitation_create(
        manager=manager_of(staff.clb_directeur, staff.clb_a),
        organisation=staff.clb_a,
        actor=staff.clb_directeur,
        **values,
    )


def test_an_invitation_stores_only_the_hash_of_its_link(staff, invite):
    invitation, token = invite(email="Nieuw@CLBLeie.be")
    invitation.refresh_from_db()
    assert invitation.email == "nieuw@clbleie.be"
    assert len(token) >= 40
    assert invitation.token_hash == services.token_hash(token)
    assert token not in invitation.token_hash
    assert invitation_for_token(token) == invitation
    assert invitation.sent_at is not None
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    message = mail.outbox[-1]
    assert message.to == ["nieuw@clbleie.be"]
    assert staff.clb_a.name in message.subject
    assert f"/uitnodiging/{token}/" in message.body
    event = OrganisationEvent.objects.get(organisation=staff.clb_a)
    assert event.action == OrganisationEvent.Action.INVITATION_SENT
    assert (event.actor, event.subject_email) == (staff.clb_directeur, "nieuw@clbleie.be")


def test_two_invitations_get_different_links(staff, invite):
    _first, one = invite(email="een@clbleie.be")
    _second, two = invite(email="twee@clbleie.be")
    assert one != two


def test_a_role_of_another_kind_is_refused_by_the_service(staff):
    for role in (Role.DIRECTIE, Role.LSC_COORDINATOR, "superuser"):
        with pytest.raises(ValidationError) as refused:
            create(staff, role=role)
        assert "role" in refused.value.message_dict
    assert not Invitation.objects.exists()


def test_a_manager_cannot_invite_for_another_organisation(staff):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            manager=manager_of(staff.clb_directeur, staff.clb_a),
            organisation=staff.clb_other,
            email="x@example.be",
            first_name="X",
            last_name="Y",
            role=Role.CLB_MEDEWERKER,
            start_date=timezone.localdate(),
            actor=staff.clb_directeur,
        )
    # nor with a standing that is someone else's
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            manager=manager_of(staff.clb_directeur, staff.clb_a),
            organisation=staff.clb_a,
            email="x@example.be",
            first_name="X",
            last_name="Y",
            role=Role.CLB_MEDEWERKER,
            start_date=timezone.localdate(),
            actor=staff.clb_medewerker_a,
        )


def test_someone_who_already_works_here_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        create(staff, email=staff.clb_medewerker_a.email.upper())
    assert "email" in refused.value.message_dict
    # who worked here before may come back
    MembershipFactory(
        user=UserFactory(email="terug@clbleie.be"),
        organisation=staff.clb_a,
        role=Role.CLB_MEDEWERKER,
        end_date=datetime.date(2022, 6, 30),
    )
    assert create(staff, email="terug@clbleie.be").pk


def test_an_open_invitation_is_not_made_twice_but_an_expired_one_gives_way(staff, invite):
    invitation, _token = invite()
    with pytest.raises(ValidationError) as refused:
        create(staff)
    assert "email" in refused.value.message_dict
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    again = create(staff)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    assert again.status == Invitation.Status.OPEN


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", '=HYPERLINK("http://evil")'),
        ("last_name", "+32"),
        ("first_name", "@SUM(A1)"),
        ("first_name", "Nor\u202ea"),
        ("last_name", "a\x00b"),
        ("first_name", ""),
        ("last_name", "x" * 151),
        ("email", "geen-adres"),
        ("email", "a@" + "b" * 260 + ".be"),
        ("start_date", datetime.date(1000, 1, 1)),
    ],
)
def test_bad_input_is_refused_with_the_field_named(staff, field, value):
    with pytest.raises(ValidationError) as refused:
        create(staff, **{field: value})
    assert field in refused.value.message_dict
    assert not Invitation.objects.exists()


def test_sending_again_makes_a_new_link_and_the_old_one_stops(
    staff, invite, django_capture_on_commit_callbacks
):
    invitation, old = invite()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(
            manager=manager_of(staff.clb_directeur, staff.clb_a),
            invitation=invitation,
            actor=staff.clb_directeur,
        )
    new = token_in(mail.outbox[-1])
    assert new != old
    assert invitation_for_token(old) is None
    assert invitation_for_token(new).pk == invitation.pk
    assert OrganisationEvent.objects.filter(
        action=OrganisationEvent.Action.INVITATION_RESENT
    ).exists()


def test_a_mail_server_that_is_down_leaves_the_invitation_unsent(
    staff, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        invitation = create(staff)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.status == Invitation.Status.OPEN


def test_withdrawing_closes_the_link(staff, invite):
    invitation, token = invite()
    services.invitation_revoke(
        manager=manager_of(staff.clb_directeur, staff.clb_a),
        invitation=invitation,
        actor=staff.clb_directeur,
    )
    invitation = invitation_for_token(token)
    assert invitation.state == Invitation.Status.REVOKED
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation, first_name="N", last_name="N", password="een-sterk-wachtwoord"
        )
    with pytest.raises(ValidationError):  # a second time: no longer open
        services.invitation_revoke(
            manager=manager_of(staff.clb_directeur, staff.clb_a),
            invitation=invitation,
            actor=staff.clb_directeur,
        )


def test_another_organisations_manager_cannot_withdraw_or_resend(staff, invite):
    invitation, _token = invite()
    for service in (services.invitation_revoke, services.invitation_resend):
        with pytest.raises(PermissionDenied):
            service(
                manager=manager_of(staff.directie_a, staff.school_a),
                invitation=invitation,
                actor=staff.directie_a,
            )


# --- accepting -----------------------------------------------------------------------------------


def test_accepting_makes_the_account_and_the_membership(staff, invite):
    invitation, token = invite(start_date=timezone.localdate() - datetime.timedelta(days=10))
    user, membership = services.invitation_accept_new_account(
        invitation=invitation_for_token(token),
        first_name="Nora",
        last_name="Nieuwe",
        password="een-sterk-wachtwoord",
    )
    assert user.email == "nieuw@clbleie.be"
    assert user.check_password("een-sterk-wachtwoord")
    assert membership.is_active_on()
    # nobody was a member before they accepted
    assert membership.start_date == timezone.localdate()
    assert membership.created_by == staff.clb_directeur
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.membership == membership
    actions = set(
        OrganisationEvent.objects.filter(organisation=staff.clb_a).values_list("action", flat=True)
    )
    assert {"invitation_sent", "invitation_accepted", "membership_added"} <= actions
    # and the membership is in the audit log of the dossier of the school the CLB serves
    assert AuditEvent.objects.filter(
        dossier=staff.dossier_a, subject_user=user, action="membership_added"
    ).exists()


def test_a_link_works_once(staff, invite):
    _invitation, token = invite()
    services.invitation_accept_new_account(
        invitation=invitation_for_token(token),
        first_name="N",
        last_name="N",
        password="een-sterk-wachtwoord",
    )
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation_for_token(token),
            first_name="N",
            last_name="N",
            password="een-sterk-wachtwoord",
        )
    assert User.objects.filter(email="nieuw@clbleie.be").count() == 1


def test_an_expired_link_is_refused(staff, invite):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    invitation = invitation_for_token(token)
    assert invitation.state == Invitation.Status.EXPIRED
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation, first_name="N", last_name="N", password="een-sterk-wachtwoord"
        )


def test_an_invited_directie_waits_for_a_second_person(staff, invite):
    invitation, token = invite(
        email="tweede@linde.be", role=Role.DIRECTIE, org=staff.school_a, by=staff.directie_a
    )
    _user, membership = services.invitation_accept_new_account(
        invitation=invitation_for_token(token),
        first_name="Tweede",
        last_name="Directie",
        password="een-sterk-wachtwoord",
    )
    assert membership.is_pending
    assert not membership.is_active_on()
    # the one who invited does not confirm; as the school's only other directie, a platform
    # administrator does
    from accounts.services import may_decide, membership_confirm

    assert not may_decide(membership=membership, actor=staff.directie_a)
    assert may_decide(membership=membership, actor=staff.platform_admin)
    membership_confirm(membership=membership, actor=staff.platform_admin)
    membership.refresh_from_db()
    assert membership.is_active_on()


def test_with_a_second_directie_that_one_confirms(staff, invite):
    second = UserFactory()
    MembershipFactory(user=second, organisation=staff.school_a, role=Role.DIRECTIE)
    _invitation, token = invite(
        email="derde@linde.be", role=Role.DIRECTIE, org=staff.school_a, by=staff.directie_a
    )
    _user, membership = services.invitation_accept_new_account(
        invitation=invitation_for_token(token),
        first_name="D",
        last_name="D",
        password="een-sterk-wachtwoord",
    )
    from accounts.services import may_decide

    assert may_decide(membership=membership, actor=second)
    assert not may_decide(membership=membership, actor=staff.platform_admin)
    assert not may_decide(membership=membership, actor=staff.directie_a)


def test_an_existing_account_gets_the_membership_without_a_second_account(staff, invite):
    person = UserFactory(email="bestaand@example.be")
    _invitation, token = invite(email="BESTAAND@example.be")
    invitation = invitation_for_token(token)
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation, first_name="X", last_name="Y", password="een-sterk-wachtwoord"
        )
    with pytest.raises(PermissionDenied):  # as another account
        services.invitation_accept_existing(invitation=invitation, user=staff.zorg_a)
    membership = services.invitation_accept_existing(invitation=invitation, user=person)
    assert membership.user == person
    assert User.objects.filter(email__iexact="bestaand@example.be").count() == 1
    person.refresh_from_db()
    assert person.check_password("een-sterk-wachtwoord")  # unchanged


def test_the_invitation_of_a_manager_who_left_can_no_longer_be_accepted(staff, invite):
    invitation, token = invite()
    from accounts.services import membership_end

    membership_end(
        membership=Membership.objects.get(user=staff.clb_directeur),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation_for_token(token),
            first_name="N",
            last_name="N",
            password="een-sterk-wachtwoord",
        )
    assert not User.objects.filter(email="nieuw@clbleie.be").exists()


def test_an_unknown_or_overlong_token_finds_nothing(staff, invite):
    invite()
    assert invitation_for_token("") is None
    assert invitation_for_token("x" * 43) is None
    assert invitation_for_token("x" * 10_000) is None
    assert invitation_for_token("a\x00b") is None
