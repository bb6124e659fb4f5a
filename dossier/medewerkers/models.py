"""Invitations to join an organisation, and the organisation's own history of changes.

An invitation is a person's name, e-mail address, role and start date, with a link sent to
that address. The link's token is never stored: only its SHA-256 hash, so that the table alone
opens nothing. It works once, until ``expires_at``, and not after it was withdrawn or sent
again (a new link replaces the old one). Accepting it makes the membership
(accounts.services.membership_create: a directie still waits for a second person).

``OrganisationEvent`` is to an organisation what the dossier's ``AuditEvent`` is to a dossier:
who changed what of its people, and when. Every membership change lands here (a receiver of
``accounts.services.membership_changed``, whichever screen made it), and so does every
invitation, which touches no dossier.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation
from accounts.roles import ROLES_BY_KIND, Role

# How long an invitation's link works.
INVITATION_VALID_DAYS = 14


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Not accepted, withdrawn or replaced (its link may have expired)."""
        return self.filter(status=Invitation.Status.OPEN)

    def usable(self, now: datetime.datetime | None = None):
        """Open, and its link has not expired."""
        return self.open().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Withdrawn")
        # an expired invitation that a new one for the same address replaced
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    start_date = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # the SHA-256 of the link's token (the token itself is only in the e-mail)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    # when the last link was handed to the mail server (None: not sent, e.g. it was down)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    # accepted, withdrawn or replaced: when, and by whom (the new account, or the manager)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="open"),
                name="invitation_one_open_per_address",
                violation_error_message=_("This address already has an open invitation here."),
            )
        ]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.organisation.name}"

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        kind = self.organisation.kind if self.organisation_id else None
        if kind and self.role and self.role not in ROLES_BY_KIND.get(kind, ()):
            raise ValidationError(
                {
                    "role": _(
                        "The role %(role)s does not belong to an organisation of the kind %(kind)s."
                    )
                    % {
                        "role": self.get_role_display(),
                        "kind": self.organisation.get_kind_display(),
                    }
                }
            )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and self.expires_at <= (now or timezone.now())

    @property
    def state(self) -> str:
        """open, expired, accepted or revoked: what the link does now."""
        if self.is_expired():
            return self.Status.EXPIRED
        return self.status

    def get_state_display(self) -> str:
        return self.Status(self.state).label


class OrganisationEvent(models.Model):
    """Who changed what of an organisation's people, when. Holds references and a short
    detail (a role, a period), never more."""

    class Action(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        MEMBERSHIP_ADDED = "membership_added", _("Membership added")
        MEMBERSHIP_PENDING = "membership_pending", _("Membership added, awaiting confirmation")
        MEMBERSHIP_CONFIRMED = "membership_confirmed", _("Membership confirmed")
        MEMBERSHIP_REFUSED = "membership_refused", _("Membership refused")
        MEMBERSHIP_ENDED = "membership_ended", _("Membership end date changed")
        MEMBERSHIP_RESCHEDULED = "membership_rescheduled", _("Membership start date changed")
        MEMBERSHIP_DELETED = "membership_deleted", _("Membership removed")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("organisation"),
    )
    # None only for a change made outside any request (the demo loader, a shell): "the platform"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerning"),
    )
    # for an invitation of someone without an account yet
    subject_email = models.CharField(_("concerning (e-mail)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.get_action_display()}"
