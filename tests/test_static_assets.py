"""Government intranets are offline: no page may load anything from the internet."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']\s*(https?:)?//""", re.IGNORECASE)


def test_templates_load_nothing_from_outside() -> None:
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if EXTERNAL.search(line):
                offenders.append(f"{path}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_vendored_assets_are_present() -> None:
    for asset in [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/font/bootstrap-icons.min.css",
        "vendor/bootstrap-icons/font/fonts/bootstrap-icons.woff2",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ]:
        found = finders.find(asset)
        assert found and Path(found).stat().st_size > 1000, asset


def test_pages_reference_only_local_static(cast) -> None:
    html = cast.client_for("admin").get("/").content.decode()
    for ref in re.findall(r"""(?:src|href)="([^"]+\.(?:css|js))""", html):
        assert ref.startswith(settings.STATIC_URL), ref
