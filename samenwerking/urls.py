from allauth.account.decorators import secure_admin_login
from allauth.decorators import rate_limit
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from samenwerking.views import favicon, health

# The admin login goes through allauth, so it has the same MFA step and rate limits.
admin.site.login = secure_admin_login(admin.site.login)
# The admin's own password change asks for the current password, so it could be used to guess
# it from a session left open: the same limit as allauth's change-password form (posts only).
admin.site.password_change = rate_limit(action="change_password")(admin.site.password_change)
admin.site.site_header = _("Samenwerkingsdossier – platform management")
admin.site.site_title = _("Samenwerkingsdossier")
admin.site.index_title = _("Organisations, people and partnerships")

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("health/", health, name="health"),
    # the browser's own request for an icon, wherever a page names none
    path("favicon.ico", favicon, name="favicon"),
    path("", include("accounts.urls")),
    path("", include("dossier.core.urls")),
    path("", include("dossier.rapporten.urls")),
    path("", include("dossier.zoeken.urls")),
    path("", include("signalen.urls")),
    path("", include("consultatie.urls")),
    path("", include("dossier.documenten.urls")),
    path("", include("dossier.afspraken.urls")),
    path("", include("dossier.overleg.urls")),
    path("", include("leersteun.urls")),
    path("", include("dossier.medewerkers.urls")),
]
