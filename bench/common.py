"""Shared set-up for benchmarks: Django on a dedicated PostgreSQL database."""

from __future__ import annotations

import json
import os
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
