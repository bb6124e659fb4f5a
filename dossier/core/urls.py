from django.urls import path

from dossier.core import views

app_name = "dossier"

urlpatterns = [
    path("", views.mijn_dossiers, name="mijn_dossiers"),
    path("dossiers/<int:pk>/", views.dossier_overview, name="overview"),
    path("dossiers/<int:pk>/toegang/", views.toegangsbeheer, name="toegangsbeheer"),
    path(
        "dossiers/<int:pk>/toegang/<int:user_pk>/intrekken/",
        views.access_revoke_view,
        name="access_revoke",
    ),
    path(
        "dossiers/<int:pk>/toegang/lidmaatschappen/",
        views.memberships_pending,
        name="memberships_pending",
    ),
    path(
        "dossiers/<int:pk>/toegang/lidmaatschappen/<int:membership_pk>/",
        views.membership_decide,
        name="membership_decide",
    ),
    path("dossiers/<int:pk>/auditlog/", views.auditlog, name="auditlog"),
    path("dossiers/<int:pk>/auditlog/export.csv", views.auditlog_export, name="auditlog_export"),
]
