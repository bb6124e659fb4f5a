from django.urls import path

from signalen import views

app_name = "signalen"

urlpatterns = [
    path("signalen/", views.my_schools, name="my_schools"),
    path("dossiers/<int:pk>/signalen/", views.signaal_list, name="list"),
    path("dossiers/<int:pk>/signalen/nieuw/", views.signaal_create_view, name="create"),
    path("dossiers/<int:pk>/signalen/<int:signaal_pk>/", views.signaal_detail, name="detail"),
    path("dossiers/<int:pk>/signalen/<int:signaal_pk>/bewerken/", views.signaal_edit, name="edit"),
    path(
        "dossiers/<int:pk>/signalen/<int:signaal_pk>/aanvullingen/",
        views.aanvulling_add_view,
        name="aanvulling_add",
    ),
    path(
        "dossiers/<int:pk>/signalen/<int:signaal_pk>/aanvullingen/<int:aanvulling_pk>/corrigeren/",
        views.aanvulling_correct_view,
        name="aanvulling_correct",
    ),
    path(
        "dossiers/<int:pk>/signalen/<int:signaal_pk>/status/",
        views.signaal_status_view,
        name="status",
    ),
]
