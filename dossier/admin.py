from django.contrib import admin

from accounts.admin import ActiveFilter, PlatformAdminMixin
from dossier.models import Partnership


@admin.register(Partnership)
class PartnershipAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["school", "partner", "partner_kind", "start_date", "end_date"]
    list_filter = [ActiveFilter, "partner_kind"]
    search_fields = ["school__name", "school__instellingsnummer", "partner__name"]
    autocomplete_fields = ["school", "partner"]
    list_select_related = ["school", "partner"]
