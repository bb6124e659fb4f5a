from django.urls import path

from dossier import views

app_name = "dossier"

urlpatterns = [
    path("", views.mijn_dossiers, name="mijn_dossiers"),
    path("zoeken/", views.zoeken, name="zoeken"),
    path("dossiers/<int:pk>/", views.dossier_overview, name="overview"),
    path("dossiers/<int:pk>/documenten/", views.document_list, name="documents"),
    path("dossiers/<int:pk>/documenten/nieuw/", views.document_upload_view, name="document_upload"),
    path("dossiers/<int:pk>/documenten/prullenbak/", views.document_bin, name="document_bin"),
    path(
        "dossiers/<int:pk>/documenten/<int:document_pk>/",
        views.document_detail,
        name="document_detail",
    ),
    path(
        "dossiers/<int:pk>/documenten/<int:document_pk>/versies/<int:version_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "dossiers/<int:pk>/documenten/<int:document_pk>/verwijderen/",
        views.document_delete_view,
        name="document_delete",
    ),
    path(
        "dossiers/<int:pk>/documenten/<int:document_pk>/terugzetten/",
        views.document_restore_view,
        name="document_restore",
    ),
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
    path("dossiers/<int:pk>/overleg/", views.overleg_list, name="overleggen"),
    path("dossiers/<int:pk>/overleg/nieuw/", views.overleg_create, name="overleg_create"),
    path(
        "dossiers/<int:pk>/overleg/<int:overleg_pk>/", views.overleg_detail, name="overleg_detail"
    ),
    path(
        "dossiers/<int:pk>/overleg/<int:overleg_pk>/bewerken/",
        views.overleg_edit,
        name="overleg_edit",
    ),
    path("dossiers/<int:pk>/rapporten/", views.reports, name="reports"),
    path("dossiers/<int:pk>/rapporten/<int:report_pk>/", views.report_status, name="report_status"),
    path(
        "dossiers/<int:pk>/rapporten/<int:report_pk>/download/",
        views.report_download,
        name="report_download",
    ),
    path(
        "dossiers/<int:pk>/rapporten/<int:report_pk>/opnieuw/",
        views.report_retry_view,
        name="report_retry",
    ),
]
