from django.urls import path

from dossier.medewerkers import views

app_name = "medewerkers"

STAFF = "organisaties/<int:org_pk>/medewerkers/"

urlpatterns = [
    path(STAFF, views.people, name="people"),
    path(f"{STAFF}uitnodigen/", views.invite, name="invite"),
    path(f"{STAFF}importeren/", views.import_staff, name="import"),
    path(f"{STAFF}uitnodigingen/", views.invitations, name="invitations"),
    path(
        f"{STAFF}uitnodigingen/<int:invitation_pk>/intrekken/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        f"{STAFF}uitnodigingen/<int:invitation_pk>/opnieuw/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(f"{STAFF}geschiedenis/", views.history, name="history"),
    path(
        f"{STAFF}<int:membership_pk>/wijzigen/", views.membership_change, name="membership_change"
    ),
    path(f"{STAFF}<int:membership_pk>/beeindigen/", views.membership_end, name="membership_end"),
    # the link of the invitation e-mail: open to whoever holds it
    path("uitnodiging/<str:token>/", views.accept, name="accept"),
]
