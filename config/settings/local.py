"""The embedded default: SQLite, eager tasks, local-memory cache, debug pages."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# runserver serves static files itself in DEBUG; WhiteNoise is for production (collectstatic).
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
