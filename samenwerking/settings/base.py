"""All settings live here, read from the environment; dev, test and production only override."""

from pathlib import Path

import dj_database_url
from botocore.config import Config as BotocoreConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samenwerking.env import env_bool, env_int, env_list, env_str
from samenwerking.settings import oidc as oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # (the login with the government's identity provider; off without OIDC_ISSUER_URL)
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "guardian",
    "django_htmx",
    "django_filters",
    "csp",
    # accounts: people, organisations, memberships, partnerships
    "accounts",
    # the dossier core: dossiers, grants, access, audit, access management
    "dossier.core",
    # platform services the sections use
    "dossier.rapporten",
    "dossier.meldingen",
    "dossier.bewaring",
    "dossier.zoeken",
    # the sections (they know the core, never each other)
    "signalen",
    "consultatie",
    "dossier.documenten",
    "dossier.afspraken",
    "dossier.overleg",
    "leersteun",
    # each organisation manages its own people: invitations, roles, the CSV import of staff
    "dossier.medewerkers",
    # the demo region (load_demo)
    "samenwerking.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "samenwerking.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "accounts.sessions.SessionIdleMiddleware",
]

ROOT_URLCONF = "samenwerking.urls"
WSGI_APPLICATION = "samenwerking.wsgi.application"

# Django's form renderer, with <select> and <input> written in Python (samenwerking/renderers.py)
FORM_RENDERER = "samenwerking.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user@host:5432/name or sqlite:///path.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'samenwerking.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A bound on one statement and on a transaction left idle, per process kind (0: none): the
# compose stack gives the web processes seconds and the workers minutes, and runs migrations
# without a bound.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = env_int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short, indexed queries: PostgreSQL's JIT compilation costs more than it saves here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
        [
            "-c jit=off",
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
            f"-c idle_in_transaction_session_timeout={DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS}",
        ]
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USES_EMBEDDED_DATABASE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

REDIS_URL = env_str("REDIS_URL", "")
# allauth's rate limits and used TOTP codes live in the default cache. This backend keeps them in
# process memory while Redis is unreachable, so logging in does not depend on Redis; the
# timeouts keep an unreachable host from holding a login for Redis' default five seconds.
REDIS_CACHE_BACKEND = "accounts.ratelimit.ResilientRedisCache"
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "samenwerking"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
        # Rendered pages (dossier.core.pagecache): on PAGE_CACHE_URL, a Redis that may evict
        # (allkeys-lru) and keeps nothing on disk, apart from the login limits and the queue.
        "pages": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": env_str("PAGE_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "samenwerking"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dossier:mijn_dossiers"
LOGOUT_REDIRECT_URL = "account_login"

# django-guardian: grants on dossiers are object permissions; no anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
# Guardian's backend is left out on purpose: ``user.has_perm(perm, dossier)`` would answer from
# the bare grant, without the live membership and partnership conditions. Every check goes
# through dossier.core.access instead.
SILENCED_SYSTEM_CHECKS = [
    "guardian.W001",
    # Only the embedded demo database (SQLite) lacks NULLS NOT DISTINCT; there the report
    # pipeline's own de-duplication stands in for the constraint (dossier.rapporten).
    "models.W047",
]

# django-allauth: email login, no self-registration (accounts are made by administrators).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins: 5 per account, and 30 per address, which leaves room for a school whose
    # staff share one NAT address; a lockout is per account, so colleagues can still log in.
    # The account's limit comes first: allauth stops at the first spent limit, so retries on a
    # locked account do not use up the address's 30.
    "login_failed": "5/5m/key,30/5m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samenwerkingsdossier] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Samenwerkingsdossier"
# MFA is required for partner staff (CLB, PBD, LSC) and for anyone who manages access.
# It may only be switched off on the embedded (SQLite) demo database.
SAMENWERKING_REQUIRE_MFA = env_bool("SAMENWERKING_REQUIRE_MFA", True)
if not SAMENWERKING_REQUIRE_MFA and not USES_EMBEDDED_DATABASE:
    raise ImproperlyConfigured(
        "SAMENWERKING_REQUIRE_MFA may only be false on the embedded demo database."
    )
# The number of reverse proxies in front of the app that overwrite X-Forwarded-For (and -Proto).
# 0, the default, trusts neither header: the client address is the connection's. Only set it when
# every request passes such a proxy (docker-compose.yml: Caddy, and 1), or any client chooses its
# own address for the rate limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Sessions end after inactivity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The idle timeout moves forward at most once a minute (accounts.sessions), not on every request.
SESSION_TOUCH_SECONDS = 60
# How long the ids of the dossiers a person reads are cached (dossier.core.access.readable);
# any change of a grant, membership, partnership or person forgets them at once. 0: no cache.
ACCESS_CACHE_SECONDS = env_int("ACCESS_CACHE_SECONDS", 60)
# How long a rendered page may be served again while nothing it shows changed (the key holds
# the session, the access generation and the dossiers' content versions: dossier.core.pagecache);
# 0: every page is rendered. Always off on SQLite (no triggers move the versions on).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# How many pages one session may store in that time (a crawler is then served rendered pages).
PAGE_CACHE_PER_SESSION = env_int("PAGE_CACHE_PER_SESSION", 200)
# How long the e-mailed link to set up two-factor authentication again works (accounts.mfa_reset).
MFA_RESET_HOURS = 24
# How long a person's MFA standing, once in order, is taken from the session (accounts.middleware).
MFA_RECHECK_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch"))]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # our Dutch for the strings of allauth and Django that our users read (see its header)
    BASE_DIR / "locale" / "thirdparty",
]
FORMAT_MODULE_PATH = ["samenwerking.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents and generated reports. STORAGE_BACKEND "filesystem" keeps them in the
# folder MEDIA_ROOT, which serves one machine (the demo, a single server); "s3", the default
# once AWS_STORAGE_BUCKET_NAME is set, keeps them in an S3-compatible bucket that every web
# replica and worker shares (samenwerking/storage.py: private objects, no URLs). The key pair
# comes from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; without them boto3 looks further
# (an instance or pod role). Files are only ever read through the download views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "s3" if AWS_STORAGE_BUCKET_NAME else "filesystem")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if STORAGE_BACKEND == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE", "auto")
    if AWS_S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured(
            "AWS_S3_ADDRESSING_STYLE must be auto, path or virtual, "
            f"got {AWS_S3_ADDRESSING_STYLE!r}."
        )
    STORAGES["default"] = {
        "BACKEND": "samenwerking.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # empty: AWS itself; MinIO, Ceph, Garage or a provider's S3 API: its https:// address
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            # A bucket that does not answer must not hold a request for botocore's default
            # minute per attempt. Checksums only where S3 requires them: several S3-compatible
            # servers refuse the ones boto3 adds by default. The addressing style goes here
            # because a client config replaces django-storages' own.
            "client_config": BotocoreConfig(
                s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
            # A download is fetched into memory up to this size, into a temporary file beyond it,
            # and streamed to the person from there (django-storages' default keeps it all in
            # memory). The temporary file is the request's own and goes when the response ends.
            "max_memory_size": 2_621_440,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be filesystem or s3, got {STORAGE_BACKEND!r}."
    )

# Mail: console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samenwerkingsdossier <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people use to reach the app, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis as broker; eager only on the embedded demo.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Limits, in seconds, that make a dead worker cost minutes rather than an hour. With acks_late a
# message is acknowledged only when its task ends; if the worker dies first, Redis hands the
# message out again after the visibility timeout. That timeout must exceed every task's hard
# limit, or a task still running legitimately would be delivered a second time.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 270)
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 360)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # how often a worker looks for such messages (kombu's default: about every 100 s)
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 30),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
# A report renders in seconds; these bound a render that hangs. A report still "running"
# REPORT_STALE_MARGIN seconds past the hard limit has lost its worker: its requester may retry
# it and the minutely sweep queues it again.
REPORT_TASK_SOFT_TIME_LIMIT = env_int("REPORT_TASK_SOFT_TIME_LIMIT", 120)
REPORT_TASK_TIME_LIMIT = env_int("REPORT_TASK_TIME_LIMIT", 150)
REPORT_STALE_MARGIN = env_int("REPORT_STALE_MARGIN", 60)
# Requests for the same report by the same person within this many seconds get one report.
REPORT_REQUEST_WINDOW = env_int("REPORT_REQUEST_WINDOW", 20)
# A file of many reports (the dossier export) lays its PDFs out this many at a time, each in a
# forked child of the worker (dossier.rapporten.pdf.render_many); 1 makes them one by one.
REPORT_RENDER_PROCESSES = env_int("REPORT_RENDER_PROCESSES", 2)
if not (
    0 < REPORT_TASK_SOFT_TIME_LIMIT < REPORT_TASK_TIME_LIMIT <= CELERY_TASK_TIME_LIMIT
    and CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT
):
    raise ImproperlyConfigured(
        "Celery limits must satisfy: report soft < report hard <= task hard, "
        "task soft < task hard < visibility timeout."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A planned samenwerkingsgesprek this many days ahead whose school part is still open: the school
# gets one reminder (leersteun.tasks.gesprek_reminders_send, daily).
GESPREK_REMINDER_DAYS = env_int("GESPREK_REMINDER_DAYS", 7)

# Security headers that hold everywhere; production tightens cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logging in with the Flemish government's identity provider (ACM/IDM: itsme, eID) over OpenID
# Connect, beside e-mail and password: on only when OIDC_ISSUER_URL is set (docs/DEPLOYMENT.md).
# It links to an existing person only (accounts.adapters.SocialAccountAdapter); the IdP's login
# counts as the second factor only when its ID token's acr or amr is listed here.
OIDC_ISSUER_URL = env_str("OIDC_ISSUER_URL", "")
OIDC_ENABLED = bool(OIDC_ISSUER_URL)
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES")
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES")
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = oidc_settings.socialaccount_providers(
    issuer=OIDC_ISSUER_URL,
    client_id=env_str("OIDC_CLIENT_ID", ""),
    secret=env_str("OIDC_CLIENT_SECRET", ""),
    scopes=env_list("OIDC_SCOPES", ",".join(oidc_settings.DEFAULT_SCOPES)),
    name=env_str("OIDC_PROVIDER_NAME", oidc_settings.DEFAULT_NAME),
)
# allauth's own linking by e-mail is off: ours asks for a verified address that matches one
# active person, and never wipes a password. No tokens are kept; the login starts with a POST.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
if OIDC_ENABLED:
    # the login form posts to us and is redirected on to the IdP: form-action covers redirects
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        oidc_settings.issuer_origin(OIDC_ISSUER_URL)
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pypdf warns about every malformed object of a hostile upload, which the upload check
        # refuses anyway: one crafted file would otherwise flood the log.
        "pypdf": {"level": "ERROR"},
    },
}
