"""Test settings: the database and Redis come from DATABASE_URL / REDIS_URL when given."""

from .base import *  # noqa: F403
from .base import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests always run tasks in-process; the Redis-marked tests start real workers themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Each test gets a fresh cache, whatever the backend (the lockout counters live there).
CACHES["default"]["KEY_PREFIX"] = "kaoping-test"
# The tests (and the browser journeys) run under the production Content-Security-Policy.
KAOPING_CSP_ENABLED = True
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
