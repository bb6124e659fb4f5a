"""A platform administrator is no back door into a school's dossier.

The walk below is what an administrator would try: log in with the password alone, give himself
a directie membership, give one to an account he made and confirm it himself, set someone's
password, remove someone's authenticator. Each step fails here if its protection is missing.
"""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.tests.factories import (
    LONG_AGO,
    AuthenticatorFactory,
    OrganisationFactory,
    UserFactory,
)
from accounts.tests.logins import PASSWORD, logged_in_as, login_with_totp, post_login
from dossier.meldingen.models import Notification

pytestmark = pytest.mark.django_db


def notes_of(client, user, school):
    client.force_login(user)
    return client.get(reverse("consultatie:list", kwargs={"pk": school.dossier.pk}))


def add_directie_in_admin(client, admin, person, school):
    client.force_login(admin)
    return client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": person.pk,
            "organisation": school.pk,
            "role": Role.DIRECTIE,
            "start_date": LONG_AGO.isoformat(),
        },
    )


def confirm_in_admin(client, admin, membership):
    client.force_login(admin)
    return client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "confirm_selected", "_selected_action": [membership.pk]},
        follow=True,
    )


def make_account_in_admin(client, admin, email):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": email, "first_name": "Tom", "last_name": "Handlanger", "_save": "Opslaan"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=email)


def test_an_administrator_cannot_escalate_to_a_dossier(client, region):
    admin = UserFactory(is_staff=True, email="beheerder@platform.be")
    second_admin = region.platform_admin
    school = OrganisationFactory(name="Basisschool Zonder Directie")

    # 1. staff must use MFA: without an authenticator the admin sends him to set one up
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    client.logout()

    # ... and once set up, the password alone does not log him in: the code does
    AuthenticatorFactory(user=admin)
    post_login(client, admin.email, PASSWORD)
    assert not logged_in_as(client, admin)
    client.logout()
    login_with_totp(client, admin)
    assert logged_in_as(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200

    # 2. a directie membership for himself is refused, with a Dutch message
    response = add_directie_in_admin(client, admin, admin, school)
    assert response.status_code == 200
    assert "Je kunt jezelf geen lidmaatschap geven" in response.content.decode()
    assert not Membership.objects.filter(user=admin).exists()

    # 3. an account he made gets no password he knows: its owner chooses one by e-mail
    accomplice = make_account_in_admin(client, admin, "handlanger@example.be")
    assert not accomplice.has_usable_password()
    assert [message.to for message in mail.outbox] == [["handlanger@example.be"]]

    # 4. a directie membership for that account waits, and gives nothing while it waits
    response = add_directie_in_admin(client, admin, accomplice, school)
    assert response.status_code == 302
    membership = Membership.objects.get(user=accomplice)
    assert membership.status == Membership.Status.PENDING
    assert membership.created_by == admin
    AuthenticatorFactory(user=accomplice)
    assert notes_of(client, accomplice, school).status_code == 404

    # 5. he cannot confirm it himself
    response = confirm_in_admin(client, admin, membership)
    assert "Iemand anders moet het bevestigen of weigeren" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING
    assert notes_of(client, accomplice, school).status_code == 404

    # 6. a second administrator confirms it (the school has no directie yet): now it counts,
    # and the new directie is told
    confirm_in_admin(client, second_admin, membership)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED
    assert membership.decided_by == second_admin
    assert notes_of(client, accomplice, school).status_code == 200
    assert Notification.objects.filter(user=accomplice, dossier=school.dossier).exists()

    # 7. the set-password form does not exist
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", kwargs={"id": region.zorg_a.pk})
    client.force_login(admin)
    url = f"/beheer/accounts/user/{region.directie_a.pk}/password/"
    response = client.get(url, follow=True)
    assert 'name="password1"' not in response.content.decode()
    new_password = "door-de-beheerder-gekozen-1"
    client.post(url, {"password1": new_password, "password2": new_password})
    region.directie_a.refresh_from_db()
    assert not region.directie_a.check_password(new_password)
    # nor does the person's page offer one
    page = client.get(reverse("admin:accounts_user_change", args=[region.directie_a.pk]))
    assert page.status_code == 200
    assert "password/" not in page.content.decode()

    # 8. nor can he remove someone's authenticator
    authenticator = Authenticator.objects.get(user=region.directie_a)
    url = reverse("admin:mfa_authenticator_delete", kwargs={"object_id": authenticator.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()
    response = client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "delete_selected", "_selected_action": [authenticator.pk], "post": "yes"},
    )
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_at_a_school_with_a_directie_only_that_directie_confirms(client, region):
    admin = region.platform_admin
    second_admin = UserFactory(is_staff=True, with_mfa=True)
    newcomer = UserFactory(with_mfa=True)

    add_directie_in_admin(client, admin, newcomer, region.school_a)
    membership = Membership.objects.get(user=newcomer)
    assert membership.is_pending
    # the school's directie hears of it at once
    assert Notification.objects.filter(user=region.directie_a, dossier=region.dossier_a).exists()

    # a second administrator may not decide for a school that has a directie
    response = confirm_in_admin(client, second_admin, membership)
    assert "alleen haar directie" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_pending

    # the directie sees it under toegangsbeheer and confirms it there
    client.force_login(region.directie_a)
    page = client.get(reverse("dossier:memberships_pending", kwargs={"pk": region.dossier_a.pk}))
    assert page.status_code == 200
    assert newcomer.email in page.content.decode()
    url = reverse(
        "dossier:membership_decide",
        kwargs={"pk": region.dossier_a.pk, "membership_pk": membership.pk},
    )
    assert client.post(url, {"decision": "maybe"}).status_code == 302  # a message, not a 500
    membership.refresh_from_db()
    assert membership.is_pending
    client.post(url, {"decision": "confirm"})
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED
    assert membership.decided_by == region.directie_a
    assert notes_of(client, newcomer, region.school_a).status_code == 200


def test_another_schools_directie_cannot_decide(client, region):
    newcomer = UserFactory()
    add_directie_in_admin(client, region.platform_admin, newcomer, region.school_a)
    membership = Membership.objects.get(user=newcomer)

    client.force_login(region.directie_b)
    url = reverse(
        "dossier:membership_decide",
        kwargs={"pk": region.dossier_a.pk, "membership_pk": membership.pk},
    )
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    # nor through its own dossier's URL
    url = reverse(
        "dossier:membership_decide",
        kwargs={"pk": region.dossier_b.pk, "membership_pk": membership.pk},
    )
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    membership.refresh_from_db()
    assert membership.is_pending


def test_a_refused_membership_never_counts(client, region):
    newcomer = UserFactory(with_mfa=True)
    add_directie_in_admin(client, region.platform_admin, newcomer, region.school_a)
    membership = Membership.objects.get(user=newcomer)

    client.force_login(region.directie_a)
    client.post(
        reverse(
            "dossier:membership_decide",
            kwargs={"pk": region.dossier_a.pk, "membership_pk": membership.pk},
        ),
        {"decision": "refuse"},
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REFUSED
    assert notes_of(client, newcomer, region.school_a).status_code == 404


def test_the_admin_sends_a_reset_email_instead_of_setting_a_password(client, region):
    client.force_login(region.platform_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset_email", "_selected_action": [region.zorg_a.pk]},
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[region.zorg_a.email]]
    assert region.zorg_a.check_password(PASSWORD)  # unchanged until its owner resets it


def test_a_pending_zorgteam_role_is_not_needed(client, region):
    """Roles that need a grant as well take effect at once: the grant is the directie's."""
    person = UserFactory()
    client.force_login(region.platform_admin)
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": person.pk,
            "organisation": region.school_a.pk,
            "role": Role.ZORGCOORDINATOR,
            "start_date": datetime.date(2024, 9, 1).isoformat(),
        },
    )
    assert Membership.objects.get(user=person).status == Membership.Status.CONFIRMED


def test_reopening_an_ended_directie_membership_waits_for_confirmation_again(region):
    from accounts.services import membership_end

    directie = Membership.objects.get(user=region.directie_a)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    membership_end(membership=directie, end_date=yesterday, actor=region.platform_admin)

    membership_end(membership=directie, end_date=None, actor=region.platform_admin)
    directie.refresh_from_db()
    assert directie.status == Membership.Status.PENDING
    assert directie.created_by == region.platform_admin
    assert not Membership.objects.active_on().filter(pk=directie.pk).exists()


def test_nobody_changes_or_removes_their_own_membership_in_the_admin(client, region):
    admin = region.platform_admin
    own = Membership.objects.create(
        user=admin,
        organisation=region.school_b,
        role=Role.LEERKRACHT,
        start_date=LONG_AGO,
        status=Membership.Status.CONFIRMED,
    )
    client.force_login(admin)
    assert client.get(reverse("admin:accounts_membership_delete", args=[own.pk])).status_code == 403
    response = client.post(
        reverse("admin:accounts_membership_change", args=[own.pk]), {"end_date": ""}
    )
    assert response.status_code in (200, 302)
    response = client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "end_today", "_selected_action": [own.pk]},
        follow=True,
    )
    assert "Je kunt je eigen lidmaatschap niet wijzigen" in response.content.decode()
    own.refresh_from_db()
    assert own.end_date is None


def test_guessing_the_current_password_in_the_admin_is_limited(client, region, rate_limits_reset):
    """The admin's password change is limited like allauth's (5 posts a minute a person), so
    an open session cannot be used to try passwords until the current one is found."""
    client.force_login(region.platform_admin)
    url = reverse("admin:password_change")
    guess = {
        "old_password": "wrong",
        "new_password1": "Nieuw-w8woord!",
        "new_password2": "Nieuw-w8woord!",
    }

    statuses = [client.post(url, guess).status_code for _ in range(5)]
    refused = client.post(url, {**guess, "old_password": PASSWORD})

    assert statuses == [200] * 5  # the form again, with its error
    assert refused.status_code == 429
    assert "Te veel pogingen" in refused.content.decode()
    region.platform_admin.refresh_from_db()
    assert not region.platform_admin.check_password("Nieuw-w8woord!")
    assert client.get(url).status_code == 200  # reading the form is not counted
