from django.contrib import admin

from accounts.admin import PlatformAdminMixin
from dossier.bewaring.models import DeletionLog, RetentionPolicy


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
