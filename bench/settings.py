"""The production settings, served over plain http on loopback for the page benchmark.

Only what plain http needs is relaxed (no HTTPS redirect, no HSTS, cookies without the Secure
flag and the __Secure- prefix); DEBUG stays off. The URLconf adds the floor page, which the
product's URLconf must never have (every product URL is in the access matrix test).
"""

from pathlib import Path

from samenwerking.settings.production import *  # noqa: F403
from samenwerking.settings.production import TEMPLATES

ROOT_URLCONF = "bench.urls"
DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

# the floor page's template
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}]
