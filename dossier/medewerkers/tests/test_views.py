"""The staff pages as a manager uses them, the invitation link as the invitee does, and what
each list costs."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.tests.factories import MembershipFactory, UserFactory
from conftest import log_in
from dossier.medewerkers.models import Invitation, OrganisationEvent
from dossier.medewerkers.tests.conftest import token_in
from tests.test_query_budgets import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def url(name, staff, org=None, **kwargs):
    return reverse(f"medewerkers:{name}", kwargs={"org_pk": (org or staff.clb_a).pk, **kwargs})


def membership_of(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


# --- the list --------------------------------------------------------------------------------


def test_the_manager_sees_the_people_with_their_last_login(client, staff):
    idle = UserFactory(first_name="Ida", last_name="Idle")
    idle.last_login = timezone.now() - datetime.timedelta(days=400)
    idle.save(update_fields=["last_login"])
    MembershipFactory(user=idle, organisation=staff.clb_a, role=Role.CLB_MEDEWERKER)
    recent = UserFactory(first_name="Rik", last_name="Recent")
    recent.last_login = timezone.now()
    recent.save(update_fields=["last_login"])
    MembershipFactory(user=recent, organisation=staff.clb_a, role=Role.CLB_MEDEWERKER)
    log_in(client, staff.clb_directeur)
    response = client.get(url("people", staff))
    assert response.status_code == 200
    shown = {m.user for m, _state in response.context["rows"]}
    assert {idle, recent, staff.clb_medewerker_a, staff.clb_directeur} <= shown
    assert staff.clb_medewerker_other not in shown
    html = response.content.decode()
    # Ida, and the medewerker who never logged in (the directeur just did)
    assert html.count('class="badge badge--idle"') == 2
    # only who has not logged in for more than 12 months, or never
    response = client.get(url("people", staff), {"idle": "12"})
    assert {m.user for m, _state in response.context["rows"]} == {idle, staff.clb_medewerker_a}
    response = client.get(url("people", staff), {"idle": "never"})
    assert {m.user for m, _s in response.context["rows"]} == {staff.clb_medewerker_a}


def test_the_filter_shows_ended_and_pending_memberships(client, staff):
    gone = MembershipFactory(
        organisation=staff.clb_a, role=Role.CLB_MEDEWERKER, end_date=TODAY() - 30 * DAY
    )
    log_in(client, staff.directie_a)
    pending = MembershipFactory(
        organisation=staff.school_a, role=Role.DIRECTIE, status=Membership.Status.PENDING
    )
    response = client.get(url("people", staff, staff.school_a), {"state": "pending"})
    assert [m for m, _s in response.context["rows"]] == [pending]
    log_in(client, staff.clb_directeur)
    response = client.get(url("people", staff), {"state": "ended"})
    assert [m for m, _s in response.context["rows"]] == [gone]
    response = client.get(url("people", staff))
    assert gone not in [m for m, _s in response.context["rows"]]


@pytest.mark.parametrize(
    "params", [{"state": "x"}, {"idle": "7"}, {"role": "directie"}, {"q": "x" * 101}]
)
def test_a_bad_filter_is_a_400_in_words(client, staff, params):
    log_in(client, staff.clb_directeur)
    response = client.get(url("people", staff), params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_navigation_leads_managers_to_their_staff(client, staff):
    log_in(client, staff.clb_directeur)
    html = client.get(reverse("dossier:mijn_dossiers")).content.decode()
    assert f'href="{url("people", staff)}"' in html
    log_in(client, staff.clb_medewerker_a)
    html = client.get(reverse("dossier:mijn_dossiers")).content.decode()
    assert "/medewerkers/" not in html


@pytest.mark.parametrize(
    "persona", ["clb_medewerker_a", "directie_a", "clb_medewerker_other", "platform_admin"]
)
def test_anyone_but_the_manager_gets_404(client, staff, persona):
    log_in(client, getattr(staff, persona))
    assert client.get(url("people", staff)).status_code == 404
    assert client.get(url("invitations", staff)).status_code == 404


def test_a_membership_of_another_organisation_is_404(client, staff):
    log_in(client, staff.clb_directeur)
    other = membership_of(staff.clb_medewerker_other, staff.clb_other)
    for name in ("membership_change", "membership_end"):
        assert client.get(url(name, staff, membership_pk=other.pk)).status_code == 404
        assert client.post(url(name, staff, membership_pk=other.pk)).status_code == 404
    # nor through the other organisation's address
    assert client.get(url("people", staff, staff.clb_other)).status_code == 404


# --- query budgets -------------------------------------------------------------------------------


def clb_with_people(count: int):
    from accounts.tests.factories import OrganisationFactory

    clb = OrganisationFactory(clb=True)
    directeur = UserFactory(with_mfa=True)
    MembershipFactory(user=directeur, organisation=clb, role=Role.CLB_DIRECTEUR)
    for index in range(count):
        person = UserFactory(email=f"medewerker{index}@clb.be")
        MembershipFactory(user=person, organisation=clb, role=Role.CLB_MEDEWERKER)
        Invitation.objects.create(
            organisation=clb,
            email=f"uitgenodigd{index}@clb.be",
            first_name="U",
            last_name=str(index),
            role=Role.CLB_MEDEWERKER,
            start_date=TODAY(),
            token_hash=f"{index:064d}",
            expires_at=timezone.now() + 3 * DAY,
            created_by=directeur,
        )
        OrganisationEvent.objects.create(
            organisation=clb, actor=directeur, subject_user=person, action="membership_added"
        )
    return clb, directeur


@pytest.mark.parametrize("count", [2, 40])
def test_the_lists_cost_the_same_at_2_and_40_people(client, django_assert_num_queries, count):
    clb, directeur = clb_with_people(count)
    log_in(client, directeur)
    # 1. the organisation, 2. the count for the paginator, 3. the page of memberships with
    # their people (the standing as manager is the memberships kept from the login)
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("medewerkers:people", kwargs={"org_pk": clb.pk}))
    assert len(response.context["rows"]) == min(count + 1, 25)
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(
            reverse("medewerkers:people", kwargs={"org_pk": clb.pk}), {"idle": "never", "q": "clb"}
        )
    assert response.status_code == 200
    # the same for the invitations and the history
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("medewerkers:invitations", kwargs={"org_pk": clb.pk}))
    assert len(response.context["page"].object_list) == min(count, 25)
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = client.get(reverse("medewerkers:history", kwargs={"org_pk": clb.pk}))
    assert len(response.context["page"].object_list) == count


# --- inviting through the pages --------------------------------------------------------------------


def invite_form(**fields):
    return {
        "first_name": "Nora",
        "last_name": "Nieuwe",
        "email": "nora@clbleie.be",
        "role": Role.CLB_MEDEWERKER,
        "start_date": TODAY().isoformat(),
    } | fields


def test_the_manager_invites_through_the_form(client, staff, django_capture_on_commit_callbacks):
    log_in(client, staff.clb_directeur)
    assert client.get(url("invite", staff)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invite", staff), invite_form())
    assert response.status_code == 302
    assert response["Location"] == url("invitations", staff)
    invitation = Invitation.objects.get(email="nora@clbleie.be")
    assert invitation.organisation == staff.clb_a
    assert mail.outbox[-1].to == ["nora@clbleie.be"]


@pytest.mark.parametrize(
    "fields",
    [
        {"role": Role.DIRECTIE},  # a role of another kind, tampered into the form
        {"role": Role.LSC_COORDINATOR},
        {"email": "medewerker@clbleie.be"},  # already works here
        {"email": "geen"},
        {"first_name": "=1+1"},
        {"start_date": "31/12/9999"},
        {"start_date": "9999-12-31"},
    ],
)
def test_bad_invitations_are_form_errors(client, staff, fields):
    log_in(client, staff.clb_directeur)
    response = client.post(url("invite", staff), invite_form(**fields))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Invitation.objects.exists()


def test_resend_and_withdraw_through_the_list(
    client, staff, invite, django_capture_on_commit_callbacks
):
    invitation, old = invite()
    log_in(client, staff.clb_directeur)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invitation_resend", staff, invitation_pk=invitation.pk))
    assert response.status_code == 302
    new = token_in(mail.outbox[-1])
    assert new != old
    assert client.get(reverse("medewerkers:accept", args=[old])).status_code == 404
    client.post(url("invitation_revoke", staff, invitation_pk=invitation.pk))
    client.logout()
    response = client.get(reverse("medewerkers:accept", args=[new]))
    assert response.status_code == 410
    assert response.context["reason"] == "revoked"


def test_another_organisations_invitation_is_404(client, staff, invite):
    invitation, _token = invite()
    log_in(client, staff.directie_a)
    for name in ("invitation_resend", "invitation_revoke"):
        response = client.post(url(name, staff, staff.school_a, invitation_pk=invitation.pk))
        assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPEN


# --- the CSV import through the page ----------------------------------------------------------------


def csv_upload(text: str):
    return SimpleUploadedFile("personeel.csv", text.encode("utf-8"), "text/csv")


def test_the_import_previews_then_invites(client, staff, django_capture_on_commit_callbacks):
    text = "voornaam;naam;e-mail;rol\nAn;Een;an@clbleie.be;CLB-medewerker\nBo;Twee;bo@clbleie.be;CLB-directeur\n"
    log_in(client, staff.clb_directeur)
    response = client.post(
        url("import", staff), {"file": csv_upload(text), "start_date": TODAY().isoformat()}
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    assert not Invitation.objects.exists()
    confirm = response.context["confirm"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("import", staff),
            {"text": confirm["text"].value(), "start_date": confirm["start_date"].value()},
        )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "an@clbleie.be",
        "bo@clbleie.be",
    }
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "raw",
    [
        b"\x81\x8d\x8f\x90\x9d",  # no text in any encoding it could be
        b"voornaam;naam;e-mail;rol\nAn;Een;an@clbleie.be;Directie\n",  # a school's role
        b"voornaam;naam;e-mail;rol\nAn;Een;an@clbleie.be;CLB-medewerker\x00\n",
        b"",
    ],
)
def test_a_bad_file_is_a_400_with_its_problems(client, staff, raw):
    log_in(client, staff.clb_directeur)
    response = client.post(
        url("import", staff),
        {"file": SimpleUploadedFile("x.csv", raw, "text/csv"), "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_tampered_confirmation_is_checked_again(client, staff):
    log_in(client, staff.clb_directeur)
    response = client.post(
        url("import", staff),
        {
            "text": "voornaam;naam;e-mail;rol\nAn;Een;an@clbleie.be;Directie\n",
            "start_date": TODAY().isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["errors"]
    assert not Invitation.objects.exists()


# --- changing and ending ------------------------------------------------------------------------


def test_ending_a_membership_ends_dossier_access_on_the_next_request(client, staff):
    medewerker = staff.clb_medewerker_a
    dossier_url = reverse("dossier:overview", kwargs={"pk": staff.dossier_a.pk})
    log_in(client, medewerker)
    assert client.get(dossier_url).status_code == 200

    manager = client.__class__()
    log_in(manager, staff.clb_directeur)
    membership = membership_of(medewerker, staff.clb_a)
    response = manager.get(url("membership_end", staff, membership_pk=membership.pk))
    assert response.status_code == 200
    assert response.context["form"]["end_date"].value() == TODAY() - DAY
    response = manager.post(
        url("membership_end", staff, membership_pk=membership.pk),
        {"end_date": (TODAY() - DAY).isoformat()},
    )
    assert response.status_code == 302

    # the same session, the very next request
    assert client.get(dossier_url).status_code == 404


def test_the_manager_changes_a_role_through_the_form(client, staff):
    log_in(client, staff.clb_directeur)
    membership = membership_of(staff.clb_medewerker_a, staff.clb_a)
    response = client.post(
        url("membership_change", staff, membership_pk=membership.pk),
        {"role": Role.CLB_DIRECTEUR, "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 302
    # the old membership ended yesterday, the new one holds from today
    roles = set(
        Membership.objects.active_on()
        .filter(user=staff.clb_medewerker_a, organisation=staff.clb_a)
        .values_list("role", flat=True)
    )
    assert roles == {Role.CLB_DIRECTEUR}


@pytest.mark.parametrize("role", [Role.DIRECTIE, Role.LSC_ANKERPERSOON, "superuser"])
def test_a_tampered_role_is_refused(client, staff, role):
    log_in(client, staff.clb_directeur)
    membership = membership_of(staff.clb_medewerker_a, staff.clb_a)
    response = client.post(
        url("membership_change", staff, membership_pk=membership.pk),
        {"role": role, "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 400
    assert Membership.objects.filter(user=staff.clb_medewerker_a).count() == 1


def test_the_own_membership_cannot_be_changed_or_ended(client, staff):
    log_in(client, staff.clb_directeur)
    own = membership_of(staff.clb_directeur, staff.clb_a)
    assert client.get(url("membership_change", staff, membership_pk=own.pk)).status_code == 403
    assert client.get(url("membership_end", staff, membership_pk=own.pk)).status_code == 403
    response = client.post(
        url("membership_change", staff, membership_pk=own.pk),
        {"role": Role.CLB_MEDEWERKER, "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 400
    response = client.post(
        url("membership_end", staff, membership_pk=own.pk),
        {"end_date": (TODAY() - DAY).isoformat()},
    )
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.is_active_on() and own.role == Role.CLB_DIRECTEUR


def test_the_directie_does_not_make_a_directie_alone(client, staff):
    log_in(client, staff.directie_a)
    zorg = membership_of(staff.zorg_a, staff.school_a)
    response = client.post(
        url("membership_change", staff, staff.school_a, membership_pk=zorg.pk),
        {"role": Role.DIRECTIE, "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 302
    new = Membership.objects.get(user=staff.zorg_a, role=Role.DIRECTIE)
    assert new.is_pending


def test_a_pending_membership_is_removed(client, staff):
    pending = MembershipFactory(
        organisation=staff.school_a, role=Role.DIRECTIE, status=Membership.Status.PENDING
    )
    log_in(client, staff.directie_a)
    response = client.get(url("membership_end", staff, staff.school_a, membership_pk=pending.pk))
    assert response.context["removes"]
    response = client.post(url("membership_end", staff, staff.school_a, membership_pk=pending.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=pending.pk).exists()


# --- accepting through the link --------------------------------------------------------------------


def accept_url(token):
    return reverse("medewerkers:accept", args=[token])


def test_a_new_colleague_accepts_and_is_logged_in_with_mfa_required(client, staff, invite):
    _invitation, token = invite()
    response = client.get(accept_url(token))
    assert response.status_code == 200
    assert response.context["form"]["first_name"].value() == "Nora"
    response = client.post(
        accept_url(token),
        {
            "first_name": "Nora",
            "last_name": "Nieuwe",
            "password1": "een-sterk-wachtwoord",
            "password2": "een-sterk-wachtwoord",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@clbleie.be")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.last_login is not None
    # CLB staff must set up an authenticator before they reach anything
    response = client.get(reverse("dossier:mijn_dossiers"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # the link does not work twice
    client.logout()
    response = client.get(accept_url(token))
    assert (response.status_code, response.context["reason"]) == (410, "accepted")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"password1": "kort", "password2": "kort"}, "password1"),
        ({"password1": "123456789012345", "password2": "123456789012345"}, "password1"),
        ({"password1": "nieuw@clbleie.be!", "password2": "nieuw@clbleie.be!"}, "password1"),
        ({"password2": "iets-anders-dan-dat"}, "password2"),
        ({"first_name": "+31"}, "first_name"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_a_weak_password_or_bad_name_is_a_form_error(client, staff, invite, fields, field):
    _invitation, token = invite()
    data = {
        "first_name": "Nora",
        "last_name": "Nieuwe",
        "password1": "een-sterk-wachtwoord",
        "password2": "een-sterk-wachtwoord",
    } | fields
    response = client.post(accept_url(token), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="nieuw@clbleie.be").exists()


def test_an_existing_account_logs_in_first_and_then_accepts(client, staff, invite):
    person = UserFactory(email="bekend@example.be")
    _invitation, token = invite(email="bekend@example.be")
    response = client.get(accept_url(token))
    assert response.status_code == 200
    assert "form" not in response.context
    login = response.context["login_url"]
    assert login.startswith(reverse("account_login")) and "next=" in login
    # the link alone creates nothing and logs nobody in
    assert client.post(accept_url(token)).status_code == 200
    assert not Membership.objects.filter(user=person, organisation=staff.clb_a).exists()
    client.force_login(person)
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert Membership.objects.get(user=person, organisation=staff.clb_a).is_active_on()


def test_someone_else_logged_in_is_told_to_log_out(client, staff, invite):
    _invitation, token = invite()
    client.force_login(staff.zorg_a)
    response = client.get(accept_url(token))
    assert (response.status_code, response.context["reason"]) == (403, "other_account")
    assert client.post(accept_url(token), {"password1": "x"}).status_code == 403


def test_expired_and_unknown_links_say_so(client, staff, invite):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - DAY)
    response = client.get(accept_url(token))
    assert (response.status_code, response.context["reason"]) == (410, "expired")
    response = client.post(accept_url(token), {"password1": "x"})
    assert response.status_code == 410
    response = client.get(accept_url("bestaat-niet"))
    assert (response.status_code, response.context["reason"]) == (404, "unknown")
    assert not User.objects.filter(email="nieuw@clbleie.be").exists()


def test_signup_stays_closed(client, db):
    before = User.objects.count()
    client.post(
        reverse("account_signup"),
        {
            "email": "zelf@example.be",
            "password1": "een-sterk-wachtwoord",
            "password2": "een-sterk-wachtwoord",
        },
    )
    assert User.objects.count() == before


def test_saving_the_change_form_as_it_was_changes_nothing(client, staff):
    log_in(client, staff.clb_directeur)
    membership = membership_of(staff.clb_medewerker_a, staff.clb_a)
    page = client.get(url("membership_change", staff, membership_pk=membership.pk))
    form = page.context["form"]
    response = client.post(
        url("membership_change", staff, membership_pk=membership.pk),
        {"role": form["role"].value(), "start_date": form["start_date"].value().isoformat()},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=staff.clb_medewerker_a).count() == 1
    assert not OrganisationEvent.objects.exists()


def test_a_schools_list_links_to_the_confirmations(client, staff):
    log_in(client, staff.directie_a)
    html = client.get(url("people", staff, staff.school_a)).content.decode()
    pending = reverse("dossier:memberships_pending", kwargs={"pk": staff.dossier_a.pk})
    assert f'href="{pending}"' in html
