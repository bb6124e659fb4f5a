from django.contrib import admin

from dossier.core.admin import ReferenceItemAdmin
from signalen.models import Bron


@admin.register(Bron)
class BronAdmin(ReferenceItemAdmin):
    """The sources a signal can come from."""
