from django.urls import path

from dossier.rapporten import views

app_name = "rapporten"

urlpatterns = [
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
