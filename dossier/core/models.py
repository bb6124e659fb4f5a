from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.registry import registry


class Dossier(models.Model):
    """The one shared dossier of a school, created together with the school."""

    school = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="dossier",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        verbose_name=_("school"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved on by PostgreSQL with every write to the dossier's content, whichever way it is
    # made (dossier.core.contentversion); the page cache keys on it. Never set it in code.
    content_version = models.BigIntegerField(_("content version"), default=0, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["school__name"]
        permissions = [
            ("contribute_dossier", _("Can contribute to the dossier")),
            ("manage_access", _("Can manage access to the dossier")),
        ]

    def __str__(self) -> str:
        return str(self.school)


class DossierUserObjectPermission(UserObjectPermissionBase):
    """A grant on one dossier for one person (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("dossier grant")
        verbose_name_plural = _("dossier grants")
        indexes = [models.Index(fields=["user", "content_object"])]


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("dossier group grant")
        verbose_name_plural = _("dossier group grants")


class AuditEvent(models.Model):
    """Who did what, when, in which dossier. Holds no dossier content, only references."""

    class Action(models.TextChoices):
        """The core's own actions. Sections register theirs (dossier.core.registry), so the
        field has no fixed choices."""

        ACCESS_GRANTED = "access_granted", _("Access granted")
        ACCESS_CHANGED = "access_changed", _("Access changed")
        ACCESS_REVOKED = "access_revoked", _("Access revoked")
        AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
        # memberships and partnerships, changed in the admin, the CSV import or the app
        MEMBERSHIP_ADDED = "membership_added", _("Membership added")
        MEMBERSHIP_PENDING = "membership_pending", _("Membership added, awaiting confirmation")
        MEMBERSHIP_CONFIRMED = "membership_confirmed", _("Membership confirmed")
        MEMBERSHIP_REFUSED = "membership_refused", _("Membership refused")
        MEMBERSHIP_ENDED = "membership_ended", _("Membership end date changed")
        MEMBERSHIP_RESCHEDULED = "membership_rescheduled", _("Membership start date changed")
        MEMBERSHIP_DELETED = "membership_deleted", _("Membership removed")
        PARTNERSHIP_ADDED = "partnership_added", _("Partnership added")
        PARTNERSHIP_ENDED = "partnership_ended", _("Partnership end date changed")
        PARTNERSHIP_DELETED = "partnership_deleted", _("Partnership removed")

    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.CASCADE,
        related_name="audit_events",
        verbose_name=_("dossier"),
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
    action = models.CharField(_("action"), max_length=40)
    # The access section the event belongs to; decides who sees it in "recent activity".
    section = models.CharField(_("section"), max_length=20)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Reading and downloading are audited but are no news for the overview's recent activity
    # (the registry's quiet actions). Stored, so that the recent activity of a dossier whose
    # notes are opened all day is found along an index of the other events.
    quiet = models.BooleanField(_("quiet"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["dossier", "-created_at"]),
            # the audit log's person filter steps along these, one person at a time
            models.Index(fields=["dossier", "actor"], name="auditevent_dossier_actor"),
            models.Index(fields=["dossier", "subject_user"], name="auditevent_dossier_subject"),
            models.Index(
                fields=["dossier", "-created_at"],
                condition=models.Q(quiet=False),
                name="auditevent_dossier_news",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        self.quiet = registry.is_quiet(self.action)
        super().save(*args, **kwargs)

    def get_action_display(self) -> str:
        return registry.audit_label(self.action)


class ReferenceItem(models.Model):
    """An entry of a list administrators keep (themes, sources): switched off, never deleted."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Thema(ReferenceItem):
    """A theme that signals and consultations are filed under."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Audience(models.Model):
    """Which partner kinds may see an item besides the school (which always may)."""

    for_clb = models.BooleanField(_("CLB"), default=True)
    for_pbd = models.BooleanField(_("PBD"), default=False)
    for_lsc = models.BooleanField(_("LSC"), default=False)

    class Meta:
        abstract = True

    @property
    def audience_sides(self) -> frozenset[str]:
        sides = {OrganisationKind.SCHOOL}
        for kind in (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC):
            if getattr(self, f"for_{kind}"):
                sides.add(kind)
        return frozenset(sides)
