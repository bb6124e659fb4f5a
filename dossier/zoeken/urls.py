from django.urls import path

from dossier.zoeken import views

app_name = "zoeken"

urlpatterns = [
    path("zoeken/", views.zoeken, name="zoeken"),
]
