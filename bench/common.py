"""Shared set-up for benchmarks: Django on a dedicated PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def setup_django_on_bench_database(suffix: str = "bench") -> str:
    """Point Django at ``<DATABASE_URL's database>_<suffix>``, create it if needed, migrate.

    Benchmarks need PostgreSQL (row-level security on, as in production); they refuse to run
    on SQLite rather than print figures that mean nothing.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database (the app role); benchmarks do not run on SQLite."
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import environ

    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_{suffix}"
    import psycopg2

    admin = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


def result(figures: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(figures, ensure_ascii=False))


def scale_tenant(communities: int, *, per_street: int = 30, code: str = "") -> int:
    """The ``seed_scale`` tenant of ``communities`` communities in the bench database (built
    on first use, then analysed so the planner knows the tables' sizes); its id."""
    from django.core.management import call_command

    from organizations.models import Tenant

    code = code or f"scale-{communities}"
    found = Tenant.objects.filter(code=code).first()
    if found is None:
        call_command("seed_scale", communities=communities, code=code, per_street=per_street)
        found = Tenant.objects.get(code=code)
    return int(found.pk)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(
    port: int, settings: str, *, workers: int = 2, threads: int = 1
) -> subprocess.Popen[bytes]:
    """gunicorn on loopback with ``settings``, once it accepts connections."""
    import socket
    import time

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "DJANGO_CONN_MAX_AGE": "60"}
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--backlog", "256",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def combine_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Throughput, p99 and statuses over several load runs, each a dict of ``done`` (the
    requests that count), ``seconds``, ``latencies`` and ``statuses``."""
    latencies = sorted(t for run in runs for t in run["latencies"])
    statuses: dict[int, int] = {}
    for run in runs:
        for status, n in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "rps": sum(run["done"] for run in runs) / sum(run["seconds"] for run in runs),
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "statuses": statuses,
    }


def timed_request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, float]:
    """One request to the loopback server on a fresh connection: the status (0 when the
    connection failed) and the seconds it took."""
    import http.client
    import time

    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started
