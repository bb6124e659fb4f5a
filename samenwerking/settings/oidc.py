"""Logging in with the Flemish government's identity provider (ACM/IDM) over OpenID Connect.

allauth's own OpenID Connect provider does the protocol; this module only turns the
environment into its settings (``SOCIALACCOUNT_PROVIDERS``), and refuses a configuration that
would log people in over plain HTTP or without a client secret. Off unless OIDC_ISSUER_URL is
set. The operator's side is in docs/DEPLOYMENT.md.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# allauth's name for the login: the URLs are /account/oidc/<PROVIDER_ID>/login/ and
# .../login/callback/ (the redirect URI registered with the IdP), and every link between a
# person and their subject at the IdP (a SocialAccount) is stored under it. Changing it would
# orphan those links, so it is not read from the environment.
PROVIDER_ID = "vlaanderen"
DEFAULT_NAME = "de Vlaamse overheid"
DEFAULT_SCOPES = ("openid", "profile", "email")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_issuer(issuer: str) -> None:
    """The issuer is an https:// address; plain http only on this machine (tests, stand-ins)."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ImproperlyConfigured(
        f"OIDC_ISSUER_URL must be an https:// address (plain http only on loopback), "
        f"got {issuer!r}."
    )


def issuer_origin(issuer: str) -> str:
    """scheme://host[:port] of the issuer: the browser's login form posts to us and is sent on
    there, so the Content Security Policy's form-action must allow it."""
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"


def socialaccount_providers(
    *,
    issuer: str,
    client_id: str,
    secret: str,
    scopes: list[str] | tuple[str, ...] = DEFAULT_SCOPES,
    name: str = DEFAULT_NAME,
) -> dict:
    """allauth's ``SOCIALACCOUNT_PROVIDERS`` for one OpenID Connect app, or none without an
    issuer (the button and the login then do not exist: its URLs answer 404)."""
    if not issuer:
        return {"openid_connect": {"APPS": []}}
    check_issuer(issuer)
    missing = [
        variable
        for variable, value in (("OIDC_CLIENT_ID", client_id), ("OIDC_CLIENT_SECRET", secret))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"OIDC_ISSUER_URL is set, so {' and '.join(missing)} must be too."
        )
    if "openid" not in scopes:
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid, got {','.join(scopes)!r}.")
    return {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": name or DEFAULT_NAME,
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {
                        # the discovery document, under the issuer as OpenID Connect Discovery
                        # says (a trailing slash of the issuer is not doubled)
                        "server_url": issuer.rstrip("/") + "/.well-known/openid-configuration",
                        # The ID token's iss must be the issuer configured here, not whatever
                        # the discovery document claims (allauth takes the latter by default).
                        "openid_configuration_overrides": {"issuer": issuer},
                        "scope": list(scopes),
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }
