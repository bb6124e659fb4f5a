from django.urls import path

from dossier import views

app_name = "dossier"

urlpatterns = [
    path("", views.mijn_dossiers, name="mijn_dossiers"),
    path("dossiers/<int:pk>/", views.dossier_overview, name="overview"),
]
