from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("meldingen/", views.notifications, name="notifications"),
    path("dossiers/<int:pk>/toegang/", views.toegangsbeheer, name="toegangsbeheer"),
    path(
        "dossiers/<int:pk>/toegang/<int:user_pk>/intrekken/",
        views.access_revoke_view,
        name="access_revoke",
    ),
    path("dossiers/<int:pk>/auditlog/", views.auditlog, name="auditlog"),
    path("dossiers/<int:pk>/auditlog/export.csv", views.auditlog_export, name="auditlog_export"),
]
