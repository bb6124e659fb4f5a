from django.urls import path

from dossier.rapporten import views
from dossier.rapporten.views import doorlichting as doorlichting_views

app_name = "rapporten"

urlpatterns = [
    path("dossiers/<int:pk>/doorlichting/", doorlichting_views.doorlichting, name="doorlichting"),
    path(
        "dossiers/<int:pk>/doorlichting/<slug:part>.csv",
        doorlichting_views.doorlichting_csv,
        name="doorlichting_csv",
    ),
    path(
        "organisaties/<int:organisation_id>/doorlichting/",
        doorlichting_views.clb_doorlichting,
        name="clb_doorlichting",
    ),
    path(
        "organisaties/<int:organisation_id>/doorlichting/<slug:part>.csv",
        doorlichting_views.clb_doorlichting_csv,
        name="clb_doorlichting_csv",
    ),
    path("dossiers/<int:pk>/rapporten/", views.reports, name="reports"),
    path(
        "dossiers/<int:pk>/rapporten/<uuid:reference>/", views.report_status, name="report_status"
    ),
    path(
        "dossiers/<int:pk>/rapporten/<uuid:reference>/download/",
        views.report_download,
        name="report_download",
    ),
    path(
        "dossiers/<int:pk>/rapporten/<uuid:reference>/opnieuw/",
        views.report_retry_view,
        name="report_retry",
    ),
    path(
        "organisaties/<int:organisation_id>/rapporten/<uuid:reference>/",
        views.organisation_report_status,
        name="organisation_report_status",
    ),
    path(
        "organisaties/<int:organisation_id>/rapporten/<uuid:reference>/download/",
        views.organisation_report_download,
        name="organisation_report_download",
    ),
    path(
        "organisaties/<int:organisation_id>/rapporten/<uuid:reference>/opnieuw/",
        views.organisation_report_retry,
        name="organisation_report_retry",
    ),
    path("dossiers/<int:pk>/rapporten/export/", views.export_request, name="export_request"),
]
