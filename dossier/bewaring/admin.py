from django.contrib import admin

from accounts.admin import PlatformAdminMixin
from dossier.bewaring.models import DeletionLog, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """One period per registered record type; a section seeds its row in a data migration."""

    list_display = ["get_record_type_display", "school_years"]
    readonly_fields = ["record_type"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionLog)
class DeletionLogAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """What the retention job deleted and when; read only, it holds no content."""

    list_display = ["get_record_type_display", "record_id", "dossier_id", "closed_at", "deleted_at"]
    list_filter = ["record_type"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
