from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    """The dossier core: dossiers, grants, the access module, audit, access management."""

    name = "dossier.core"
    # The label predates the move into dossier/core/: tables and migrations keep it.
    label = "dossier"
    verbose_name = _("Dossiers")

    def ready(self):
        # The registrations name models, which can only be imported once the app registry is
        # ready, so not at the top of this module.
        from accounts import mfa
        from accounts.services import membership_changed, partnership_changed, school_saved
        from dossier.core import access, section
        from dossier.core.registry import registry
        from dossier.core.services import (
            audit_membership_changed,
            audit_partnership_changed,
            dossier_for_saved_school,
        )
        from dossier.core.werkoverzicht import watch

        registry.work_source_hooks.append(watch)  # before any section registers its source
        section.register()
        school_saved.connect(dossier_for_saved_school, dispatch_uid="dossier-for-school")
        membership_changed.connect(audit_membership_changed, dispatch_uid="audit-membership")
        partnership_changed.connect(audit_partnership_changed, dispatch_uid="audit-partnership")
        mfa.register_requirement(access.manages_access_somewhere)
        self._forget_cached_access_on_change()
        self._look_up_the_standing_at_login()
        self._watch_content_after_migrate()

    def _watch_content_after_migrate(self):
        """Every table of a dossier's content gets its trigger after each migrate, computed
        from the models (dossier.core.contentversion), so a new model needs no step of its own."""
        from django.db.models.signals import post_migrate

        from dossier.core.contentversion import install

        post_migrate.connect(
            lambda sender, using="default", **kwargs: install(using),
            sender=self,
            dispatch_uid="dossier-content-triggers",
            weak=False,
        )

    @staticmethod
    def _look_up_the_standing_at_login():
        """The top navigation shows only what the person reads somewhere (access.reach), from
        their standing: look it up when they log in, not on the next page."""
        from django.contrib.auth.signals import user_logged_in

        from dossier.core.access.reach import warm_at_login

        user_logged_in.connect(warm_at_login, dispatch_uid="dossier.reach.warm_at_login")

    @staticmethod
    def _forget_cached_access_on_change():
        """Every write to the rows access is computed from moves the readable-ids cache on:
        model signals, so the admin, imports, services and raw ORM writes all count."""
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Membership, Organisation, Partnership, User
        from dossier.core.access import access_changed
        from dossier.core.models import DossierGroupObjectPermission, DossierUserObjectPermission

        rows = (
            Membership,
            Partnership,
            Organisation,
            DossierUserObjectPermission,
            DossierGroupObjectPermission,
        )
        for model in rows:
            for signal in (post_save, post_delete):
                signal.connect(
                    access_changed, sender=model, dispatch_uid=f"access-{model.__name__}"
                )

        def person_changed(sender, update_fields=None, **kwargs):
            # a login only notes its time; whether the person is active is what counts
            if update_fields is not None and set(update_fields) <= {"last_login"}:
                return
            access_changed()

        post_save.connect(person_changed, sender=User, dispatch_uid="access-User", weak=False)
        post_delete.connect(access_changed, sender=User, dispatch_uid="access-User-deleted")
        # Rows of a section that open a space of their own (a seat in an LSC's leersteunraad):
        # named by label, so the core never imports the section.
        for label in ("leersteun.RaadLid",):
            for signal in (post_save, post_delete):
                signal.connect(access_changed, sender=label, dispatch_uid=f"access-{label}")
