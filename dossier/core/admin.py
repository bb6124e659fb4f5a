from django.contrib import admin

from accounts.admin import PlatformAdminMixin
from dossier.core.models import Thema


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
