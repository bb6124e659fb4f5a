from django.contrib import admin

from accounts.admin import ActiveFilter, PlatformAdminMixin
from dossier.models import Partnership, Thema


@admin.register(Partnership)
class PartnershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["school", "partner", "partner_kind", "start_date", "end_date"]
    list_filter = [ActiveFilter, "partner_kind"]
    search_fields = ["school__name", "school__instellingsnummer", "partner__name"]
    autocomplete_fields = ["school", "partner"]
    list_select_related = ["school", "partner"]


@admin.register(Thema)
class ThemaAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """Themes are used by signals and consultations; retire one by switching it off."""

    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False
