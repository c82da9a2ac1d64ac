"""Settings shared by every environment. Environment-specific modules import * from here."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-local-only-key")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "organizations.admin_config.KaopingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
]
LOCAL_APPS = [
    "organizations",
    "audit",
    "indicators",
    "assessments",
    "interviews",
    "residents",
    "reports",
    "alerts",
    "notifications",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, where KAOPING_CSP_ENABLED (production and the tests).
    "organizations.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the tenant middleware: a session past its absolute lifetime is anonymous.
    "organizations.security.SessionAbsoluteTimeoutMiddleware",
    # After authentication: opens the request transaction and sets the database tenant.
    "organizations.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.actor",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# The request transaction is opened by TenantMiddleware (it must also hold SET LOCAL of the
# tenant), so Django's own ATOMIC_REQUESTS stays off.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"].get("ENGINE", "").endswith("postgresql"):
    # Under row-level security the planner spent 2-15 ms searching join orders for the six-
    # and seven-table queries of the assessment pages (select_related), ten times what
    # running them takes; limited to four it plans them in about 1 ms and picks the same
    # plans (measured at 3,655 communities: docs/performance.md).
    # The busiest pages' queries run as prepared statements (organizations/prepared.py),
    # planned once per connection: a generic plan, as PostgreSQL would otherwise keep
    # planning a statement whose parameters it cannot see through (the tenant of row-level
    # security is read when the statement runs). Django prepares nothing itself.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c join_collapse_limit={env.int('KAOPING_PG_JOIN_COLLAPSE_LIMIT', default=4)}"
        " -c plan_cache_mode=force_generic_plan"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this many seconds without a request.
SESSION_COOKIE_AGE = env.int("KAOPING_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ...and this many seconds after login, however busy (organizations.security).
KAOPING_SESSION_ABSOLUTE_SECONDS = env.int("KAOPING_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
# Login lockout: this many failures for one username within the window lock it for the window.
KAOPING_LOGIN_MAX_FAILURES = env.int("KAOPING_LOGIN_MAX_FAILURES", default=5)
KAOPING_LOGIN_LOCKOUT_SECONDS = env.int("KAOPING_LOGIN_LOCKOUT_SECONDS", default=15 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("KAOPING_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Uploaded media is never served by URL: only scoped views hand files out (organizations.uploads).
# The largest upload accepted (evidence, attachments, imports).
KAOPING_UPLOAD_MAX_BYTES = env.int("KAOPING_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# Content-Security-Policy (organizations.security): on in production and in the tests, off by
# default in development, where Django's debug pages use inline styles and scripts.
KAOPING_CSP_ENABLED = env.bool("KAOPING_CSP", default=False)
KAOPING_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Path prefix -> sources added for it. Empty: every page of the app runs under the policy
# above (docs/security.md says what was checked).
KAOPING_CSP_EXCEPTIONS: dict[str, dict[str, list[str]]] = {}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "organizations.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "organizations.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "organizations.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaoping API",
    "DESCRIPTION": "社区书记考核 — every screen of Kaoping has a twin here.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CommunityTypeEnum": "organizations.models.OrgUnit.CommunityType",
        "OrgUnitKindEnum": "organizations.models.OrgUnit.Kind",
        "RaterGroupKindEnum": "indicators.models.RaterGroup.Kind",
        "AdjustmentKindEnum": "indicators.models.AdjustmentItem.Kind",
        "CareerStageEnum": "organizations.models.CareerStage",
        "TalkKindEnum": "interviews.models.Talk.Kind",
        "AssessmentStateEnum": "assessments.models.Assessment.State",
        "SchemeStateEnum": "indicators.models.Scheme.State",
    },
}

# Redis serves as Celery broker, result store and the shared cache when REDIS_URL is set;
# without it (the embedded default) tasks run eagerly and the cache is local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kaoping",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. The beat schedule lives in config/celery.py, nowhere else.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# The one task allowed longer: a report batch renders a whole district's scorecards.
REPORT_BATCH_TIME_LIMIT = env.int("REPORT_BATCH_TIME_LIMIT", default=32 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Late acknowledgement is switched on per task (idempotent tasks only, see
# organizations.tasks_base); the default stays early so a non-idempotent task is never run twice.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# A message not acknowledged within the visibility timeout is redelivered, even to a second
# worker while the first still runs it. It must exceed the longest task (the report batch's
# time limit, not only the default one) and every ETA/countdown, and be the same for broker
# and results.
CELERY_VISIBILITY_TIMEOUT = 2 * max(CELERY_TASK_TIME_LIMIT, REPORT_BATCH_TIME_LIMIT)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="kaoping@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # PDF rendering logs every step and every font table at INFO.
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "fontTools")
    },
}

AUTHENTICATION_BACKENDS = ["organizations.auth.LockoutModelBackend"]
