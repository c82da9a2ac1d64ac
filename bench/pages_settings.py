"""Settings for ``python -m bench.pages``: production-like (no debug), plus one bare view."""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.pages_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
