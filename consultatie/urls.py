from django.urls import path

from consultatie import views

app_name = "consultatie"

urlpatterns = [
    path("consultaties/themas/", views.my_themes, name="my_themes"),
    path("consultaties/gespreksleidraad/", views.guide_edit, name="guide"),
    path("dossiers/<int:pk>/consultaties/", views.note_list, name="list"),
    path("dossiers/<int:pk>/consultaties/nieuw/", views.note_create, name="create"),
    path("dossiers/<int:pk>/consultaties/themas/", views.dossier_themes, name="themes"),
    path("dossiers/<int:pk>/consultaties/eerder/", views.earlier_advice_view, name="earlier"),
    path("dossiers/<int:pk>/consultaties/<int:note_pk>/", views.note_detail, name="detail"),
    path("dossiers/<int:pk>/consultaties/<int:note_pk>/bewerken/", views.note_edit, name="edit"),
    path(
        "dossiers/<int:pk>/consultaties/<int:note_pk>/opmerking/",
        views.opmerking_add_view,
        name="opmerking_add",
    ),
    path(
        "dossiers/<int:pk>/consultaties/<int:note_pk>/clientrelatie/",
        views.client_relationship_view,
        name="client_relationship",
    ),
]
