from django.urls import path

from dossier.rapporten import views

app_name = "rapporten"

urlpatterns = [
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
]
