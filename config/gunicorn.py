"""gunicorn settings for the web process.

Also used without Docker: `gunicorn -c config/gunicorn.py config.wsgi`.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads (gunicorn's gthread worker): a request spends much of its time waiting on
# PostgreSQL round trips and commits, and other requests use the CPU meanwhile.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
