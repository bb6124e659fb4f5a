from django.contrib import admin

from accounts.admin import PlatformAdminMixin
from consultatie.models import Gespreksleidraad


@admin.register(Gespreksleidraad)
class GespreksleidraadAdmin(PlatformAdminMixin, admin.ModelAdmin):
    """A CLB's prompts; its directeur can also word them in the app."""

    list_display = ["organisation", "updated_at"]
    autocomplete_fields = ["organisation"]
