from django.urls import path

from dossier import views

app_name = "dossier"

urlpatterns = [
    path("", views.mijn_dossiers, name="mijn_dossiers"),
    path("zoeken/", views.zoeken, name="zoeken"),
    path("dossiers/<int:pk>/", views.dossier_overview, name="overview"),
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
