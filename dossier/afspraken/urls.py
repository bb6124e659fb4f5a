from django.urls import path

from dossier.afspraken import views

app_name = "afspraken"

urlpatterns = [
    path("dossiers/<int:pk>/afspraken/", views.afspraak_list, name="afspraken"),
    path("dossiers/<int:pk>/afspraken/nieuw/", views.afspraak_create_view, name="afspraak_create"),
    path(
        "dossiers/<int:pk>/afspraken/<int:afspraak_pk>/",
        views.afspraak_detail,
        name="afspraak_detail",
    ),
    path(
        "dossiers/<int:pk>/afspraken/<int:afspraak_pk>/wijzigen/",
        views.afspraak_change_view,
        name="afspraak_change",
    ),
    path(
        "dossiers/<int:pk>/afspraken/<int:afspraak_pk>/goedkeuren/",
        views.afspraak_approve_view,
        name="afspraak_approve",
    ),
    path(
        "dossiers/<int:pk>/afspraken/<int:afspraak_pk>/status/",
        views.afspraak_status_view,
        name="afspraak_status",
    ),
    path(
        "dossiers/<int:pk>/afspraken/<int:afspraak_pk>/rapport/",
        views.afspraak_report,
        name="afspraak_report",
    ),
]
