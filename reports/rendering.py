"""HTML to PDF with WeasyPrint, allowed to read only the app's own static files and
uploaded media: no other file on the machine and nothing from the network."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

# Relative URLs in report templates resolve against this origin, which the fetcher below
# answers itself; it is never looked up on the network.
BASE_URL = "https://kaoping.invalid/"


class RefusedURL(ValueError):
    """A report tried to load something other than the app's static files or media."""


def _read_local(url: str) -> tuple[str, bytes]:
    """(file name, content) of a static file or an uploaded one named by ``url``."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        raise RefusedURL(url)
    path = unquote(parts.path)
    static, media = settings.STATIC_URL, settings.MEDIA_URL
    try:
        if path.startswith(static):
            found = finders.find(path.removeprefix(static))
            if isinstance(found, str):
                return found, Path(found).read_bytes()
        elif path.startswith(media):
            name = path.removeprefix(media)
            with default_storage.open(name, "rb") as handle:
                return name, handle.read()
    except (SuspiciousFileOperation, OSError) as exc:
        raise RefusedURL(url) from exc
    raise RefusedURL(url)


class AppFilesFetcher(weasyprint.URLFetcher):
    """Serves ``/static/…`` and ``/media/…`` under BASE_URL from the app's own files;
    refuses the rest, ``file://`` URLs and any other host included."""

    def fetch(self, url: str, headers: Any = None) -> weasyprint.urls.URLFetcherResponse:
        if url.startswith("data:"):  # inline data needs no I/O
            return super().fetch(url, headers)
        name, content = _read_local(url)
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(url, body=content, headers={"Content-Type": mime})


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


def render_pdf(html: str) -> RenderedPDF:
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=AppFilesFetcher()
    ).render()
    return RenderedPDF(content=document.write_pdf(), pages=len(document.pages))
