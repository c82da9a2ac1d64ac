"""The embedded default: SQLite, eager tasks, local-memory cache, debug pages."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
