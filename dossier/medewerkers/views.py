"""An organisation's people, managed by the organisation: the list of its memberships, its
invitations and their CSV import, a membership's role, start and end, and the history.

Who opens these pages is decided once, by the access module
(``require_people_manager``): the directie of a school, the directeur of a CLB, the PBD's
verantwoordelijke and the coördinator of an LSC, for their own organisation. Anyone else,
platform administrators included, gets 404; a membership or an invitation of another
organisation is 404 too. The invitation link (``accept``) is open to whoever holds a valid
one; any other link is answered with a page that says why it does not work.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.imports import ImportFailed
from dossier.core.access.organisations import require_people_manager
from dossier.medewerkers import selectors, services
from dossier.medewerkers.forms import (
    AcceptNewAccountForm,
    InviteForm,
    MembershipChangeForm,
    MembershipEndForm,
    PeopleFilterForm,
    StaffConfirmForm,
    StaffUploadForm,
    yesterday,
)
from dossier.medewerkers.imports import staff_check, staff_import
from dossier.medewerkers.models import INVITATION_VALID_DAYS, Invitation
from samenwerking.forms import apply_validation_error
from samenwerking.listing import page_of, querystring_without_page

FORM_METHODS = ["GET", "HEAD", "POST"]
PAGE_SIZE = 25


def _organisation(request, org_pk: int):
    """The organisation and the person's standing as the manager of its people; 404 for
    anyone who does not manage them."""
    manager = require_people_manager(request.user, org_pk)
    organisation = selectors.organisation_get(org_pk)
    if organisation is None:
        raise Http404
    return organisation, manager


def _membership(organisation, membership_pk: int):
    membership = selectors.organisation_membership(organisation, membership_pk)
    if membership is None:
        raise Http404
    return membership


# --- the lists ------------------------------------------------------------------------------------


@login_required
@require_safe
def people(request, org_pk):
    organisation, manager = _organisation(request, org_pk)
    form = PeopleFilterForm(request.GET or None, roles=manager.roles)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    idle = data.get("idle", "")
    rows = selectors.organisation_memberships(
        organisation,
        state=data.get("state") or selectors.CURRENT,
        idle=idle,
        query=data.get("q", ""),
        role=data.get("role", ""),
    )
    page = page_of(request, rows, valid=valid, per_page=PAGE_SIZE)
    months = int(idle) if idle.isdigit() else selectors.IDLE_MONTHS_DEFAULT
    today = timezone.localdate()
    return render(
        request,
        "medewerkers/people.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": [(m, selectors.state_of(m, today)) for m in page.object_list],
            "querystring": querystring_without_page(request),
            "idle_since": selectors.idle_since(months),
            "idle_months": months,
            # a school's new directie is confirmed under its dossier's access management
            "dossier_id": selectors.school_dossier_id(organisation),
        },
        status=200 if valid else 400,
    )


class InvitationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[("", gettext_lazy("Open invitations")), ("all", gettext_lazy("All invitations"))],
    )


@login_required
@require_safe
def invitations(request, org_pk):
    organisation, _manager = _organisation(request, org_pk)
    form = InvitationFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    show_all = valid and form.is_bound and form.cleaned_data["state"] == "all"
    rows = selectors.organisation_invitations(organisation, open_only=not show_all)
    page = page_of(request, rows, valid=valid, per_page=PAGE_SIZE)
    return render(
        request,
        "medewerkers/invitations.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "show_all": show_all,
            "querystring": querystring_without_page(request),
            "now": timezone.now(),
            "valid_days": INVITATION_VALID_DAYS,
        },
        status=200 if valid else 400,
    )


@login_required
@require_safe
def history(request, org_pk):
    organisation, _manager = _organisation(request, org_pk)
    page = page_of(request, selectors.organisation_events(organisation), per_page=50)
    return render(
        request,
        "medewerkers/history.html",
        {
            "organisation": organisation,
            "page": page,
            "querystring": querystring_without_page(request),
        },
    )


# --- inviting ------------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def invite(request, org_pk):
    organisation, manager = _organisation(request, org_pk)
    form = InviteForm(request.POST or None, roles=manager.roles)
    context = {"organisation": organisation, "form": form, "valid_days": INVITATION_VALID_DAYS}
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    manager=manager,
                    organisation=organisation,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is invited; the e-mail with the link goes to %(email)s.")
                    % {"name": invitation.full_name, "email": invitation.email},
                )
                return redirect("medewerkers:invitations", org_pk=organisation.pk)
        return render(request, "medewerkers/invite.html", context, status=400)
    return render(request, "medewerkers/invite.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def import_staff(request, org_pk):
    """Upload a CSV file, see every line checked (nothing is written), then import it: every
    invitation is sent, or none."""
    organisation, manager = _organisation(request, org_pk)
    context = {"organisation": organisation, "upload": StaffUploadForm(), "errors": []}
    if request.method != "POST":
        return render(request, "medewerkers/import.html", context)
    if "text" in request.POST:  # the second step: import what the preview showed
        confirm = StaffConfirmForm(request.POST)
        if not confirm.is_valid():
            context["errors"] = [_("The checked file did not come back whole: upload it again.")]
            return render(request, "medewerkers/import.html", context, status=400)
        try:
            created = staff_import(
                manager=manager,
                organisation=organisation,
                text=confirm.cleaned_data["text"],
                default_start=confirm.cleaned_data["start_date"],
                actor=request.user,
            )
        except ImportFailed as exc:
            context["errors"] = exc.errors
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person is invited and gets an e-mail with their own link.",
                    "%(count)d people are invited; each gets an e-mail with their own link.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("medewerkers:invitations", org_pk=organisation.pk)
        return render(request, "medewerkers/import.html", context, status=400)
    upload = StaffUploadForm(request.POST, request.FILES)
    context["upload"] = upload
    if upload.is_valid():
        try:
            rows = staff_check(
                manager=manager,
                organisation=organisation,
                text=upload.cleaned_data["file"],
                default_start=upload.cleaned_data["start_date"],
            )
        except ImportFailed as exc:
            context["errors"] = exc.errors
        else:
            context["rows"] = rows
            context["confirm"] = StaffConfirmForm(
                initial={
                    "text": upload.cleaned_data["file"],
                    "start_date": upload.cleaned_data["start_date"],
                }
            )
            return render(request, "medewerkers/import.html", context)
    return render(request, "medewerkers/import.html", context, status=400)


def _invitation(organisation, invitation_pk: int) -> Invitation:
    invitation = selectors.organisation_invitation(organisation, invitation_pk)
    if invitation is None:
        raise Http404
    return invitation


@login_required
@require_POST
def invitation_revoke(request, org_pk, invitation_pk):
    organisation, manager = _organisation(request, org_pk)
    invitation = _invitation(organisation, invitation_pk)
    try:
        services.invitation_revoke(manager=manager, invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The invitation of %(email)s is withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("medewerkers:invitations", org_pk=organisation.pk)


@login_required
@require_POST
def invitation_resend(request, org_pk, invitation_pk):
    organisation, manager = _organisation(request, org_pk)
    invitation = _invitation(organisation, invitation_pk)
    try:
        services.invitation_resend(manager=manager, invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new link went to %(email)s; the previous one no longer works.")
            % {"email": invitation.email},
        )
    return redirect("medewerkers:invitations", org_pk=organisation.pk)


# --- a membership ------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def membership_change(request, org_pk, membership_pk):
    organisation, manager = _organisation(request, org_pk)
    membership = _membership(organisation, membership_pk)
    own = membership.user_id == request.user.pk
    today = timezone.localdate()
    state = selectors.state_of(membership, today)
    changeable = not own and state not in (selectors.ENDED, selectors.REFUSED)
    form = MembershipChangeForm(
        request.POST or None,
        roles=manager.roles,
        initial={"role": membership.role, "start_date": max(membership.start_date, today)},
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "own": own,
        "changeable": changeable,
        "state": state,
    }
    if request.method == "POST":
        if form.is_valid() and not form.has_changed():
            messages.info(request, _("Nothing changed."))
            return redirect("medewerkers:people", org_pk=organisation.pk)
        if form.is_valid():
            try:
                changed = services.staff_membership_change(
                    manager=manager, membership=membership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if changed is None:
                    messages.info(request, _("Nothing changed."))
                elif changed.is_pending:
                    messages.success(
                        request,
                        _(
                            "%(name)s's new role %(role)s waits for a second person's "
                            "confirmation; until then the current role stays."
                        )
                        % {"name": membership.user, "role": changed.get_role_display()},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s is %(role)s from %(date)s.")
                        % {
                            "name": membership.user,
                            "role": changed.get_role_display(),
                            "date": changed.start_date.strftime("%d/%m/%Y"),
                        },
                    )
                return redirect("medewerkers:people", org_pk=organisation.pk)
        return render(request, "medewerkers/membership_change.html", context, status=400)
    return render(
        request, "medewerkers/membership_change.html", context, status=403 if own else 200
    )


@login_required
@require_http_methods(FORM_METHODS)
def membership_end(request, org_pk, membership_pk):
    """End a colleague's membership (from its last day on, no access through it); one that
    has not started yet, or that still waits for confirmation, is removed instead."""
    organisation, manager = _organisation(request, org_pk)
    membership = _membership(organisation, membership_pk)
    own = membership.user_id == request.user.pk
    today = timezone.localdate()
    state = selectors.state_of(membership, today)
    removes = state == selectors.PENDING or not services.has_started(membership, today)
    form = MembershipEndForm(request.POST or None, initial={"end_date": yesterday()})
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "own": own,
        "removes": removes,
        "state": state,
        "endable": not own and state not in (selectors.REFUSED,),
    }
    if request.method == "POST":
        name = str(membership.user)
        try:
            if removes:
                services.staff_membership_remove(
                    manager=manager, membership=membership, actor=request.user
                )
                messages.success(
                    request, _("The membership of %(name)s is removed.") % {"name": name}
                )
                return redirect("medewerkers:people", org_pk=organisation.pk)
            if form.is_valid():
                ended = services.staff_membership_end(
                    manager=manager,
                    membership=membership,
                    end_date=form.cleaned_data["end_date"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("The membership of %(name)s ends on %(date)s.")
                    % {"name": name, "date": ended.end_date.strftime("%d/%m/%Y")},
                )
                return redirect("medewerkers:people", org_pk=organisation.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        return render(request, "medewerkers/membership_end.html", context, status=400)
    return render(request, "medewerkers/membership_end.html", context, status=403 if own else 200)


# --- accepting an invitation ---------------------------------------------------------------------


def _closed(request, invitation, reason: str, status: int):
    return render(
        request,
        "medewerkers/accept_closed.html",
        {"invitation": invitation, "reason": reason},
        status=status,
    )


@require_http_methods(FORM_METHODS)
def accept(request, token):
    """The link of the e-mail. A new address gets a form for a name and a password: the
    account is made and logged in through allauth (so its login rules apply; partner staff
    are then asked to set up an authenticator). An address that has an account gets no second
    one: its owner logs in as usual and accepts here, the membership joins that account."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _closed(request, None, "unknown", 404)
    if invitation.state != Invitation.Status.OPEN:
        return _closed(request, invitation, invitation.state, 410)
    user = request.user
    if user.is_authenticated and user.email.lower() != invitation.email:
        return _closed(request, invitation, "other_account", 403)
    account = selectors.account_for(invitation.email)
    if account is not None:
        return _accept_existing(request, invitation, account)
    form = AcceptNewAccountForm(
        request.POST or None,
        email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    context = {"invitation": invitation, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                person, membership = services.invitation_accept_new_account(
                    invitation=invitation,
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                _welcome(request, membership)
                # the person has just chosen this password: that is their authentication
                record_authentication(request, person, method="password", email=person.email)
                return perform_login(
                    request,
                    person,
                    email=person.email,
                    redirect_url=reverse("dossier:mijn_dossiers"),
                )
        return render(request, "medewerkers/accept.html", context, status=400)
    return render(request, "medewerkers/accept.html", context)


def _accept_existing(request, invitation, account):
    if not account.is_active:
        return _closed(request, invitation, "inactive", 403)
    context = {"invitation": invitation, "account": account, "errors": []}
    if not request.user.is_authenticated:
        # log in as usual (password, authenticator), and come back to accept
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(request, "medewerkers/accept_existing.html", context)
    if request.method == "POST":
        try:
            membership = services.invitation_accept_existing(
                invitation=invitation, user=request.user
            )
        except PermissionDenied:
            return _closed(request, invitation, "other_account", 403)
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "medewerkers/accept_existing.html", context, status=400)
        _welcome(request, membership)
        return redirect("dossier:mijn_dossiers")
    return render(request, "medewerkers/accept_existing.html", context)


def _welcome(request, membership) -> None:
    values = {
        "organisation": membership.organisation.name,
        "role": membership.get_role_display(),
    }
    if membership.is_pending:
        messages.success(
            request,
            _(
                "Welcome. Your membership of %(organisation)s as %(role)s waits for a second "
                "person's confirmation; until then it gives no access."
            )
            % values,
        )
    else:
        messages.success(
            request, _("Welcome. You now work for %(organisation)s as %(role)s.") % values
        )
