"""What the stand-in provider says about each person, set by the tests over HTTP.

``PEOPLE`` holds, per username, the claims its ID token and userinfo carry (email,
email_verified, given_name, family_name, acr, amr) and two ways to spoil the ID token: ``iss``
(another issuer) and ``expired`` (an exp an hour ago). The runserver process is one, so its
threads share it.
"""

import json
import threading
import time

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from oauth2_provider.oauth2_validators import OAuth2Validator

PEOPLE: dict[str, dict] = {}
_LOCK = threading.Lock()
CLAIMS = ("email", "email_verified", "given_name", "family_name", "acr", "amr")


def claims_of(username: str) -> dict:
    with _LOCK:
        return dict(PEOPLE.get(username, {}))


class Validator(OAuth2Validator):
    # acr and amr come with the openid scope itself
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "acr": "openid", "amr": "openid"}

    def get_additional_claims(self, request):
        person = claims_of(request.user.username)
        return {claim: person[claim] for claim in CLAIMS if claim in person}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        person = claims_of(request.user.username)
        if person.get("iss"):
            claims["iss"] = person["iss"]
        if person.get("expired"):
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration_time


@require_GET
def login_as(request):
    """The person's login at the IdP (itsme, eID), reduced to naming them: ?user=...&next=..."""
    username = request.GET.get("user", "")
    if username not in PEOPLE:
        return HttpResponseBadRequest("unknown person")
    user, _created = User.objects.get_or_create(username=username)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseBadRequest("bad next")
    return redirect(next_url)


@csrf_exempt
@require_http_methods(["PUT"])
def person(request, username):
    """The tests set a person's claims: PUT a JSON object, which replaces what was there."""
    try:
        claims = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    with _LOCK:
        PEOPLE[username] = claims
    return HttpResponse(status=204)
