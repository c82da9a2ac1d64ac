"""Settings of the real Celery workers that tests/test_celery_faults.py starts and kills.

The base settings with three test-only changes: files go to a directory the test inspects
(``KAOPING_MEDIA_ROOT``), mail stays in memory, and the visibility timeout is eight seconds.

A worker killed with SIGKILL, main process and all, never acknowledges nor rejects its
message: Redis hands it out again only once it has been unacknowledged for the visibility
timeout (64 min in production, twice the longest task time limit) and a worker sweeps for
such messages (at start and every 100 s by default). Eight seconds, swept every second, show
that redelivery in seconds instead of an hour. Not less: the timeout must still exceed the
longest retry countdown (backoff up to 1, 2, 4 s for the three retries, with room for a busy
machine), or a retry waiting for its countdown would be handed out twice.
"""

from config.settings.base import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_VISIBILITY_TIMEOUT = 8
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
