from django.contrib import admin

from accounts.admin import ActiveFilter, PlatformAdminMixin
from dossier.models import DeletionLog, Partnership, RetentionPolicy, Thema


@admin.register(Partnership)
class PartnershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["school", "partner", "partner_kind", "start_date", "end_date"]
    list_filter = [ActiveFilter, "partner_kind"]
    search_fields = ["school__name", "school__instellingsnummer", "partner__name"]
    autocomplete_fields = ["school", "partner"]
    list_select_related = ["school", "partner"]


class ReferenceItemAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Lists that records refer to: retire an entry by switching it off, never delete it."""

    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Thema)
class ThemaAdmin(ReferenceItemAdmin):
    """Themes are used by signals and consultations."""


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["record_type", "school_years"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionLog)
class DeletionLogAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """What the retention job deleted and when; read only, it holds no content."""

    list_display = ["record_type", "record_id", "dossier_id", "closed_at", "deleted_at"]
    list_filter = ["record_type"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
