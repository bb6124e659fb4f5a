from django.urls import path

from dossier.documenten import views

app_name = "documenten"

urlpatterns = [
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
]
