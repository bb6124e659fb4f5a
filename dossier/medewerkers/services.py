"""Writes for an organisation's people: invitations, accepting one, role and date changes.

Every function takes the ``PeopleManager`` the view got from the access module
(``dossier.core.access.organisations.require_people_manager``) and checks that it names the
organisation it changes: a form that was tampered with (another organisation's membership, a
role of another kind) is refused here too. The membership writes themselves go through
``accounts.services`` (membership_create, membership_end, membership_reschedule,
membership_delete), so that the directie's confirmation rule holds, access ends at once, and
the change lands in the audit log of every dossier it touches and in the organisation's
history (``record_membership_change``).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import services as accounts_services
from accounts.models import Membership, MembershipStatus, Organisation, User
from accounts.roles import Role
from dossier.core.access.organisations import (
    PEOPLE_MANAGER_ROLES,
    PeopleManager,
    people_manager,
)
from dossier.medewerkers.models import INVITATION_VALID_DAYS, Invitation, OrganisationEvent
from samenwerking.forms import validate_date_in_range

logger = logging.getLogger(__name__)

NAME_MAX = 150
EMAIL_MAX = 254
# the first characters a spreadsheet program reads as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- the organisation's history --------------------------------------------------------------

MEMBERSHIP_EVENT_ACTIONS = {
    accounts_services.MEMBERSHIP_ADDED: OrganisationEvent.Action.MEMBERSHIP_ADDED,
    accounts_services.MEMBERSHIP_PENDING: OrganisationEvent.Action.MEMBERSHIP_PENDING,
    accounts_services.MEMBERSHIP_CONFIRMED: OrganisationEvent.Action.MEMBERSHIP_CONFIRMED,
    accounts_services.MEMBERSHIP_REFUSED: OrganisationEvent.Action.MEMBERSHIP_REFUSED,
    accounts_services.MEMBERSHIP_ENDED: OrganisationEvent.Action.MEMBERSHIP_ENDED,
    accounts_services.MEMBERSHIP_RESCHEDULED: OrganisationEvent.Action.MEMBERSHIP_RESCHEDULED,
    accounts_services.MEMBERSHIP_DELETED: OrganisationEvent.Action.MEMBERSHIP_DELETED,
}


def _period(start: datetime.date, end: datetime.date | None) -> str:
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" if end else f"{start:%d/%m/%Y} – …"


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def record_membership_change(
    sender, *, membership: Membership, actor, action: str, **kwargs
) -> None:
    """Receiver of ``accounts.services.membership_changed``: every change of a membership, from
    the app, the admin or the access management of a dossier, goes into its organisation's
    history, in the same transaction."""
    event_action = MEMBERSHIP_EVENT_ACTIONS.get(action)
    if event_action is None:
        return
    OrganisationEvent.objects.create(
        organisation_id=membership.organisation_id,
        actor=actor,
        subject_user=membership.user,
        action=event_action,
        detail=(
            _("%(role)s, %(period)s")
            % {
                "role": membership.get_role_display(),
                "period": _period(membership.start_date, membership.end_date),
            }
        )[:300],
    )


def _event_detail(invitation: Invitation) -> str:
    return _("%(name)s, %(role)s from %(start)s") % {
        "name": invitation.full_name,
        "role": invitation.get_role_display(),
        "start": invitation.start_date.strftime("%d/%m/%Y"),
    }


def _invitation_event(invitation: Invitation, *, actor, action: str, note: str = ""):
    detail = _event_detail(invitation)
    return OrganisationEvent(
        organisation_id=invitation.organisation_id,
        actor=actor,
        subject_email=invitation.email,
        action=action,
        detail=(f"{detail} ({note})" if note else detail)[:300],
    )


# --- checks every write shares -----------------------------------------------------------------


def _require_manager(manager: PeopleManager, organisation_id: int, actor: User) -> None:
    """The standing the view got names this organisation and this person."""
    if manager is None or actor is None or manager.user_id != actor.pk:
        raise PermissionDenied
    if not manager.manages(organisation_id):
        raise PermissionDenied


def _require_role_of_kind(manager: PeopleManager, organisation: Organisation, role: str) -> None:
    if role not in manager.roles:
        raise ValidationError(
            {
                "role": _("%(role)s is not a role at %(kind)s. Choose one of: %(roles)s.")
                % {
                    "role": _role_label(role) if role else "–",
                    "kind": organisation.get_kind_display(),
                    "roles": ", ".join(str(Role(r).label) for r in manager.roles),
                }
            }
        )


def _refuse_own(membership: Membership, actor: User, organisation: Organisation) -> None:
    if membership.user_id == actor.pk:
        raise ValidationError(
            _(
                "You cannot change or end your own membership: ask another manager of "
                "%(organisation)s, or a platform administrator."
            )
            % {"organisation": organisation.name}
        )


def _keeps_a_manager(membership: Membership, organisation: Organisation) -> None:
    """An organisation never loses its last manager through the app: the membership of someone
    who manages its people only ends while another active manager remains."""
    if membership.role not in PEOPLE_MANAGER_ROLES:
        return
    others = (
        Membership.objects.active_on()
        .filter(organisation_id=membership.organisation_id, role__in=PEOPLE_MANAGER_ROLES)
        .exclude(user_id=membership.user_id)
    )
    if not others.exists():
        raise ValidationError(
            _(
                "%(name)s is the last person who manages the staff of %(organisation)s: "
                "add another one first."
            )
            % {"name": membership.user, "organisation": organisation.name}
        )


def validate_person_name(value: str) -> None:
    """A first or last name: printable text, and nothing a spreadsheet reads as a formula."""
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") for char in value):
        raise ValidationError(
            _("A name may not contain control or invisible formatting characters."),
            code="control_characters",
        )
    if value.startswith(FORMULA_STARTS):
        raise ValidationError(
            _("A name may not begin with =, +, - or @ (a spreadsheet reads that as a formula)."),
            code="formula",
        )


# --- invitations -------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored of a link's token. The token is 256 random bits, so a plain hash is
    enough: nobody can search for it, and the table alone opens nothing."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


@dataclass(frozen=True)
class StaffRow:
    """One person to invite, from the form or a line of the CSV file (``line``)."""

    email: str
    first_name: str
    last_name: str
    role: str
    start_date: datetime.date
    line: int = 0

    @property
    def role_label(self) -> str:
        return _role_label(self.role)


def _row_problems(row: StaffRow, manager: PeopleManager, organisation) -> list[tuple[str, str]]:
    """(field, message) for what is wrong with the row on its own."""
    problems: list[tuple[str, str]] = []
    for field, value in (("first_name", row.first_name), ("last_name", row.last_name)):
        if not value:
            problems.append((field, _("A first and a last name are required.")))
        elif len(value) > NAME_MAX:
            problems.append(
                (field, _("A name has at most %(max)d characters.") % {"max": NAME_MAX})
            )
        else:
            try:
                validate_person_name(value)
            except ValidationError as exc:
                problems.extend((field, message) for message in exc.messages)
    try:
        if len(row.email) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(row.email)
    except ValidationError:
        problems.append(
            ("email", _("%(email)s is not a valid e-mail address.") % {"email": row.email[:80]})
        )
    try:
        _require_role_of_kind(manager, organisation, row.role)
    except ValidationError as exc:
        problems.extend(("role", message) for message in exc.messages)
    try:
        validate_date_in_range(row.start_date)
    except ValidationError as exc:
        problems.extend(("start_date", message) for message in exc.messages)
    return problems


def _current_memberships_q() -> Q:
    """A membership that holds now or will: not refused, and not ended."""
    return ~Q(status=MembershipStatus.REFUSED) & (
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    )


class RowsRefused(ValidationError):
    """Rows that cannot be invited: ``problems`` maps a row's index to (field, message)."""

    def __init__(self, problems: dict[int, list[tuple[str, str]]], rows: list[StaffRow]):
        self.problems = problems
        self.rows = rows
        super().__init__([message for found in problems.values() for _field, message in found])


def check_rows(
    *, manager: PeopleManager, organisation: Organisation, rows: list[StaffRow]
) -> dict[int, list[tuple[str, str]]]:
    """What is wrong with each row (by index), in three queries whatever the number of rows:
    the row itself, an address twice in the list, someone who already works here (or will),
    and an address with an invitation that is still open."""
    problems = {index: _row_problems(row, manager, organisation) for index, row in enumerate(rows)}
    addresses = [row.email for row in rows]
    members = dict(
        Membership.objects.filter(_current_memberships_q(), organisation=organisation)
        .annotate(address=Lower("user__email"))
        .filter(address__in=addresses)
        .values_list("address", "role")
    )
    invited = {
        invitation.email: invitation
        for invitation in Invitation.objects.usable().filter(
            organisation=organisation, email__in=addresses
        )
    }
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.email in seen:
            problems[index].append(
                ("email", _("%(email)s appears more than once.") % {"email": row.email})
            )
            continue
        seen[row.email] = index
        if row.email in members:
            problems[index].append(
                (
                    "email",
                    _("%(email)s already works for %(organisation)s (%(role)s).")
                    % {
                        "email": row.email,
                        "organisation": organisation.name,
                        "role": _role_label(members[row.email]),
                    },
                )
            )
        elif row.email in invited:
            problems[index].append(
                (
                    "email",
                    _(
                        "%(email)s already has an open invitation (sent on %(date)s): send it "
                        "again or withdraw it under Invitations."
                    )
                    % {
                        "email": row.email,
                        "date": timezone.localtime(invited[row.email].created_at).strftime(
                            "%d/%m/%Y"
                        ),
                    },
                )
            )
    return {index: found for index, found in problems.items() if found}


def invitations_create(
    *,
    manager: PeopleManager,
    organisation: Organisation,
    rows: list[StaffRow],
    actor: User,
    note: str = "",
) -> list[Invitation]:
    """Invite everyone in ``rows``: all of them or, if any row is wrong, none (RowsRefused,
    which names each wrong row's problems; see check_rows). ``note`` goes into the history's
    detail of each (the CSV import says so). One insert for the invitations and one for their events, whatever their number; the e-mails
    go out once the transaction has committed, over one connection to the mail server."""
    _require_manager(manager, organisation.pk, actor)
    if not rows:
        return []
    rows = [
        StaffRow(
            email=row.email.strip().lower(),
            first_name=row.first_name.strip(),
            last_name=row.last_name.strip(),
            role=row.role,
            start_date=row.start_date,
            line=row.line,
        )
        for row in rows
    ]
    problems = check_rows(manager=manager, organisation=organisation, rows=rows)
    if problems:
        raise RowsRefused(problems, rows)
    now = timezone.now()
    expires = now + datetime.timedelta(days=INVITATION_VALID_DAYS)
    tokens: list[str] = []
    invitations: list[Invitation] = []
    for row in rows:
        token, hashed = _new_token()
        tokens.append(token)
        invitations.append(
            Invitation(
                organisation=organisation,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                role=row.role,
                start_date=row.start_date,
                token_hash=hashed,
                expires_at=expires,
                created_by=actor,
            )
        )
    try:
        with transaction.atomic():
            # an expired invitation of the same address gives way to the new one
            Invitation.objects.open().filter(
                organisation=organisation,
                email__in=[row.email for row in rows],
                expires_at__lte=now,
            ).update(status=Invitation.Status.EXPIRED, closed_at=now)
            created = Invitation.objects.bulk_create(invitations)
            OrganisationEvent.objects.bulk_create(
                _invitation_event(
                    invitation,
                    actor=actor,
                    action=OrganisationEvent.Action.INVITATION_SENT,
                    note=note,
                )
                for invitation in created
            )
            _send_on_commit(list(zip(created, tokens, strict=True)), inviter=actor)
    except IntegrityError as exc:
        # another manager invited the same address at the same moment
        raise ValidationError(
            _(
                "Someone invited one of these addresses at the same moment. Look at the invitations and try again."
            )
        ) from exc
    return created


def invitation_create(
    *,
    manager: PeopleManager,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    start_date: datetime.date,
    actor: User,
) -> Invitation:
    """Invite one person; a ValidationError names the field that is wrong."""
    row = StaffRow(
        email=email, first_name=first_name, last_name=last_name, role=role, start_date=start_date
    )
    try:
        return invitations_create(
            manager=manager, organisation=organisation, rows=[row], actor=actor
        )[0]
    except RowsRefused as exc:
        fields: dict[str, list[str]] = {}
        for field, message in exc.problems[0]:
            fields.setdefault(field, []).append(message)
        raise ValidationError(fields) from exc


def _locked_invitation(manager: PeopleManager, invitation: Invitation, actor: User) -> Invitation:
    _require_manager(manager, invitation.organisation_id, actor)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.OPEN:
        raise ValidationError(
            _("This invitation is no longer open (%(state)s).")
            % {"state": invitation.get_state_display().lower()}
        )
    return invitation


def invitation_resend(*, manager: PeopleManager, invitation: Invitation, actor: User) -> Invitation:
    """A new link, valid for another INVITATION_VALID_DAYS: the previous one stops working."""
    with transaction.atomic():
        invitation = _locked_invitation(manager, invitation, actor)
        token, invitation.token_hash = _new_token()
        invitation.expires_at = timezone.now() + datetime.timedelta(days=INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at"])
        _invitation_event(
            invitation, actor=actor, action=OrganisationEvent.Action.INVITATION_RESENT
        ).save()
        _send_on_commit([(invitation, token)], inviter=actor)
    return invitation


def invitation_revoke(*, manager: PeopleManager, invitation: Invitation, actor: User) -> Invitation:
    """The link stops working; the invitation stays, withdrawn, in the list and the history."""
    with transaction.atomic():
        invitation = _locked_invitation(manager, invitation, actor)
        invitation.status = Invitation.Status.REVOKED
        invitation.closed_at = timezone.now()
        invitation.closed_by = actor
        invitation.save(update_fields=["status", "closed_at", "closed_by"])
        _invitation_event(
            invitation, actor=actor, action=OrganisationEvent.Action.INVITATION_REVOKED
        ).save()
    return invitation


def _send_on_commit(pairs: list[tuple[Invitation, str]], *, inviter: User) -> None:
    transaction.on_commit(lambda: invitations_send(pairs=pairs, inviter=inviter))


@translation.override(settings.LANGUAGE_CODE)
def invitations_send(*, pairs: list[tuple[Invitation, str]], inviter: User) -> int:
    """E-mail each invitation its link, over one connection; the ones the mail server took are
    marked sent (one update). A failure is logged and leaves the invitation unsent: the list
    says so, and sending it again makes a new link."""
    messages = []
    for invitation, token in pairs:
        link = settings.SITE_URL.rstrip("/") + reverse("medewerkers:accept", args=[token])
        body = render_to_string(
            "medewerkers/email/invitation.txt",
            {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "inviter": inviter,
                "link": link,
                "expires": timezone.localtime(invitation.expires_at),
            },
        )
        subject = _("Invitation to the Samenwerkingsdossier of %(organisation)s") % {
            "organisation": invitation.organisation.name
        }
        messages.append(
            (
                invitation.pk,
                EmailMessage(
                    f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
                    body,
                    None,
                    [invitation.email],
                ),
            )
        )
    sent: list[int] = []
    try:
        connection = get_connection()
        connection.open()
    except Exception:  # noqa: BLE001 - the mail server is down: nothing is sent
        logger.warning("Could not reach the mail server for %d invitation(s).", len(messages))
        return 0
    try:
        for pk, message in messages:
            try:
                if connection.send_messages([message]):
                    sent.append(pk)
            except Exception:  # noqa: BLE001 - one refused address does not stop the others
                logger.warning("Could not send invitation %s.", pk, exc_info=True)
    finally:
        connection.close()
    if sent:
        Invitation.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return len(sent)


# --- accepting ----------------------------------------------------------------------------------


def _locked_for_acceptance(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=invitation.pk)
    )
    if invitation.state != Invitation.Status.OPEN:
        raise ValidationError(_("This invitation can no longer be accepted."))
    # the decision was the inviter's: it stands only while they still manage the organisation
    inviter = invitation.created_by
    if (
        inviter is None
        or not inviter.is_active
        or people_manager(inviter, invitation.organisation_id) is None
    ):
        raise ValidationError(
            _(
                "This invitation can no longer be accepted: the person who sent it no longer "
                "manages the staff of %(organisation)s. Ask them for a new invitation."
            )
            % {"organisation": invitation.organisation.name}
        )
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    """The membership the invitation promised, decided by the person who sent it. It starts
    on the invitation's start date, or today if that has passed: nobody was a member before
    they accepted."""
    if (
        Membership.objects.filter(
            _current_memberships_q(), organisation_id=invitation.organisation_id
        )
        .filter(user=user)
        .exists()
    ):
        raise ValidationError(
            _("You already work for %(organisation)s: there is nothing to accept.")
            % {"organisation": invitation.organisation.name}
        )
    membership = accounts_services.membership_create(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        start_date=max(invitation.start_date, timezone.localdate()),
        actor=invitation.created_by,
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.closed_at = timezone.now()
    invitation.closed_by = user
    invitation.membership = membership
    invitation.save(update_fields=["status", "closed_at", "closed_by", "membership"])
    OrganisationEvent.objects.create(
        organisation_id=invitation.organisation_id,
        actor=user,
        subject_user=user,
        subject_email=invitation.email,
        action=OrganisationEvent.Action.INVITATION_ACCEPTED,
        detail=_event_detail(invitation)[:300],
    )
    return membership


def invitation_accept_new_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> tuple[User, Membership]:
    """Accept for an address without an account: the account is made here, with the password
    the person chose (the form checked it against the password validators), then the
    membership. The caller logs the person in through allauth."""
    with transaction.atomic():
        invitation = _locked_for_acceptance(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account with this address exists already: log in to accept the invitation.")
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("An account with this address exists already: log in to accept the invitation.")
            ) from exc
        membership = _join(invitation, user)
    return user, membership


def invitation_accept_existing(*, invitation: Invitation, user: User) -> Membership:
    """Accept for an address that has an account, as that account, logged in with its own
    password (and authenticator): no second account, and the link alone logs nobody in."""
    if not user.is_authenticated or user.email.lower() != invitation.email or not user.is_active:
        raise PermissionDenied
    with transaction.atomic():
        invitation = _locked_for_acceptance(invitation)
        return _join(invitation, user)


# --- memberships --------------------------------------------------------------------------------


def _guard(manager, membership: Membership, actor: User) -> Organisation:
    _require_manager(manager, membership.organisation_id, actor)
    organisation = membership.organisation
    _refuse_own(membership, actor, organisation)
    return organisation


def has_started(membership: Membership, today: datetime.date | None = None) -> bool:
    """Started, confirmed or not: its start date is today or earlier."""
    return membership.start_date <= (today or timezone.localdate())


def staff_membership_change(
    *,
    manager: PeopleManager,
    membership: Membership,
    role: str,
    start_date: datetime.date,
    actor: User,
) -> Membership | None:
    """Change the role or the start date of a colleague's membership; returns the membership
    that now holds the change (None when nothing changed).

    The start date alone moves only while the membership has not started
    (accounts.services.membership_reschedule). Another role is a new membership from
    ``start_date`` (through membership_create, so a directie waits for a second person's
    confirmation), and the old one ends the day before, or is removed if it would not have
    started by then: who had which role when stays known. While a new directie membership
    waits, the old one stays as it is, so the person keeps their access until it is confirmed.
    """
    organisation = _guard(manager, membership, actor)
    _require_role_of_kind(manager, organisation, role)
    validate_date_in_range(start_date)
    if membership.status == MembershipStatus.REFUSED:
        raise ValidationError(_("This membership was refused: invite the person again instead."))
    today = timezone.localdate()
    if membership.end_date is not None and membership.end_date < today:
        raise ValidationError(_("This membership has ended: invite the person again instead."))
    if role == membership.role:
        if start_date == membership.start_date:
            return None
        return accounts_services.membership_reschedule(
            membership=membership, start_date=start_date, actor=actor
        )
    if (
        Membership.objects.filter(_current_memberships_q(), organisation=organisation, role=role)
        .filter(user_id=membership.user_id)
        .exists()
    ):
        raise ValidationError(
            {
                "role": _("%(name)s already has the role %(role)s here.")
                % {"name": membership.user, "role": _role_label(role)}
            }
        )
    started = has_started(membership, today) and not membership.is_pending
    if started and start_date < today:
        raise ValidationError(
            {
                "start_date": _(
                    "The new role starts today or later: until then the person had the role "
                    "they had."
                )
            }
        )
    with transaction.atomic():
        new = accounts_services.membership_create(
            user=membership.user,
            organisation=organisation,
            role=role,
            start_date=start_date,
            end_date=membership.end_date,
            actor=actor,
        )
        if not new.is_pending:
            _keeps_a_manager(membership, organisation)
            day_before = start_date - datetime.timedelta(days=1)
            if membership.is_pending or membership.start_date > day_before:
                accounts_services.membership_delete(membership=membership, actor=actor)
            elif membership.end_date is None or membership.end_date > day_before:
                accounts_services.membership_end(
                    membership=membership, end_date=day_before, actor=actor
                )
    return new


def staff_membership_end(
    *, manager: PeopleManager, membership: Membership, end_date: datetime.date, actor: User
) -> Membership:
    """End a colleague's membership on ``end_date`` (its last day): from the next day their
    access to every dossier is gone (accounts.services.membership_end; the access generation
    moves on, so the next request already sees it)."""
    organisation = _guard(manager, membership, actor)
    validate_date_in_range(end_date)
    if membership.status == MembershipStatus.REFUSED:
        raise ValidationError(_("This membership was refused: it gives nothing to end."))
    if not has_started(membership):
        raise ValidationError(
            _("This membership has not started yet: remove it instead of ending it.")
        )
    _keeps_a_manager(membership, organisation)
    with transaction.atomic():
        return accounts_services.membership_end(
            membership=membership, end_date=end_date, actor=actor
        )


def staff_membership_remove(*, manager: PeopleManager, membership: Membership, actor: User) -> None:
    """Remove a membership that never gave anything: it has not started yet, or it still waits
    for confirmation. One that has started ends instead, so that its history stays."""
    organisation = _guard(manager, membership, actor)
    if has_started(membership) and not membership.is_pending:
        raise ValidationError(_("This membership has started: end it instead of removing it."))
    _keeps_a_manager(membership, organisation)
    with transaction.atomic():
        accounts_services.membership_delete(membership=membership, actor=actor)
