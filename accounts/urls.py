from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("meldingen/", views.notifications, name="notifications"),
    path("tweestapsverificatie-herstellen/<str:token>/", views.mfa_reset, name="mfa_reset"),
]
