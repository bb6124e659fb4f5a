from django.urls import path

from dossier.overleg import views

app_name = "overleg"

urlpatterns = [
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
    path(
        "dossiers/<int:pk>/overleg/<int:overleg_pk>/rapport/",
        views.overleg_report,
        name="overleg_report",
    ),
]
