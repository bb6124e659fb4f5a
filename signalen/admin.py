from django.contrib import admin

from accounts.admin import PlatformAdminMixin
from signalen.models import Bron


@admin.register(Bron)
class BronAdmin(PlatformAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False
