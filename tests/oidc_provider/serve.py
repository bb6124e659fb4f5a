"""Start the stand-in provider: migrate its SQLite database, register the platform as a client,
then serve on the given loopback port until the test session ends it.

    python -m tests.oidc_provider.serve PORT

The client comes from PROVIDER_CLIENT_ID, PROVIDER_CLIENT_SECRET and PROVIDER_REDIRECT_URIS
(space-separated).
"""

import os
import sys

import django
from django.core.management import call_command


def main(port: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from oauth2_provider.models import Application

    Application.objects.update_or_create(
        client_id=os.environ["PROVIDER_CLIENT_ID"],
        defaults={
            "name": "Samenwerkingsdossier",
            "client_secret": os.environ["PROVIDER_CLIENT_SECRET"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": os.environ["PROVIDER_REDIRECT_URIS"],
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main(sys.argv[1])
