"""Uploaded files: one check for every upload, and one way to hand a stored file back.

Every place a file arrives (forms, API serializers and the services behind them) runs
``validate_upload``: the name must end in an allowed extension, the content must be what
that extension says (sniffed from the first bytes, so an HTML page or an SVG renamed to
``.png`` is refused), and the size must stay under ``KAOPING_UPLOAD_MAX_BYTES``. Stored
files are served only by views that fetched their row through the actor's scope, through
``download_response``: always as an attachment, with a content type taken from the allowed
list (never guessed from what the file says about itself) and ``nosniff``.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

HEAD_BYTES = 4096
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel/PowerPoint 97-2003 (and WPS)


def _zip_with(*parts: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML package (a ZIP) holding these parts."""

    def sniff(head: bytes, handle: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and all(part in names for part in parts)

    return sniff


def _prefix(*magic: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, handle: head.startswith(magic)


def _webp(head: bytes, handle: IO[bytes]) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _csv(head: bytes, handle: IO[bytes]) -> bool:
    """Plain text that is not markup: no NUL byte, decodable, not starting with '<'."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # The head may end inside a character: the last few bytes may be cut.
            text = head[: len(head) - 4 if len(head) == HEAD_BYTES else None].decode(encoding)
        except UnicodeDecodeError:
            continue
        return not text.lstrip().startswith("<")
    return False


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    sniff: Callable[[bytes, IO[bytes]], bool]


_DOCX = _zip_with("word/document.xml")
_XLSX = _zip_with("xl/workbook.xml")
_PPTX = _zip_with("ppt/presentation.xml")

KINDS: dict[str, FileKind] = {
    "jpg": FileKind("JPG", "image/jpeg", _prefix(b"\xff\xd8\xff")),
    "jpeg": FileKind("JPG", "image/jpeg", _prefix(b"\xff\xd8\xff")),
    "png": FileKind("PNG", "image/png", _prefix(b"\x89PNG\r\n\x1a\n")),
    "webp": FileKind("WebP", "image/webp", _webp),
    "pdf": FileKind("PDF", "application/pdf", _prefix(b"%PDF-")),
    "doc": FileKind("Word", "application/msword", _prefix(OLE2)),
    "docx": FileKind(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _DOCX
    ),
    "xls": FileKind("Excel", "application/vnd.ms-excel", _prefix(OLE2)),
    "xlsx": FileKind(
        "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _XLSX
    ),
    "ppt": FileKind("PowerPoint", "application/vnd.ms-powerpoint", _prefix(OLE2)),
    "pptx": FileKind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _PPTX,
    ),
    "csv": FileKind("CSV", "text/csv", _csv),
}

# Evidence and attachments: photos, scans and office documents.
EVIDENCE = ("jpg", "jpeg", "png", "webp", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx")
XLSX_ONLY = ("xlsx",)
TABLES = ("csv", "xlsx")
# Generated files the app stores itself (reports): served with these types too.
SERVED_TYPES = {**{ext: kind.content_type for ext, kind in KINDS.items()}, "zip": "application/zip"}


def max_upload_bytes() -> int:
    return int(settings.KAOPING_UPLOAD_MAX_BYTES)


def allowed_labels(extensions: Iterable[str]) -> str:
    labels: list[str] = []
    for ext in extensions:
        if KINDS[ext].label not in labels:
            labels.append(KINDS[ext].label)
    return ", ".join(labels)


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def validate_upload(upload: Any, *, extensions: Iterable[str] = EVIDENCE) -> None:
    """Refuse a file whose name, content or size is not allowed; ValidationError says which.

    Reads at most the first few kilobytes (and an Office file's ZIP directory) and leaves the
    file at its start."""
    allowed = tuple(extensions)
    name = os.path.basename(getattr(upload, "name", "") or "")
    params = {"name": name, "allowed": allowed_labels(allowed)}
    ext = extension_of(name)
    if ext not in allowed:
        raise ValidationError(
            _("“%(name)s” cannot be uploaded: only %(allowed)s files are accepted."),
            code="file_type",
            params=params,
        )
    limit = max_upload_bytes()
    if (upload.size or 0) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB."),
            code="file_size",
            params={**params, "limit": f"{limit / (1024 * 1024):g}"},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    try:
        matches = bool(head) and KINDS[ext].sniff(head, upload)
    finally:
        upload.seek(0)
    if not matches:
        raise ValidationError(
            _(
                "“%(name)s” is not a genuine %(kind)s file: its content does not match its "
                "name. Only %(allowed)s files are accepted."
            ),
            code="file_content",
            params={**params, "kind": KINDS[ext].label},
        )


def check_upload(upload: Any, *, field: str, extensions: Iterable[str] = EVIDENCE) -> None:
    """For services: ``validate_upload`` with the error attached to ``field``. None passes."""
    if upload is None:
        return
    try:
        validate_upload(upload, extensions=extensions)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc


class UploadField(forms.FileField):
    """A form's file field that runs the shared upload check."""

    def __init__(self, *args: Any, extensions: Iterable[str] = EVIDENCE, **kwargs: Any) -> None:
        self.extensions = tuple(extensions)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # The browser's file chooser offers the allowed types first.
        return {
            **super().widget_attrs(widget),
            "accept": ",".join(f".{e}" for e in self.extensions),
        }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            validate_upload(value, extensions=self.extensions)


class UploadSerializerField(serializers.FileField):
    """An API file field: the shared check on the way in; on the way out, the address of the
    scoped view that serves the file (``url(instance)``), never the storage's own URL."""

    def __init__(
        self,
        *,
        url: Callable[[Any], str] | None = None,
        extensions: Iterable[str] = EVIDENCE,
        **kwargs: Any,
    ) -> None:
        self.url = url
        self.extensions = tuple(extensions)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        upload = super().to_internal_value(data)
        try:
            validate_upload(upload, extensions=self.extensions)
        except ValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return upload

    def to_representation(self, value: Any) -> Any:
        if not value:
            return None
        if self.url is None:
            return os.path.basename(value.name)
        address = self.url(value.instance)
        request = self.context.get("request")
        return request.build_absolute_uri(address) if request is not None else address


def download_response(file: FieldFile | None, *, filename: str | None = None) -> FileResponse:
    """A stored file as a download; 404 when there is none (or it is gone from storage).
    Callers fetch the owning row through the actor's scope first."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = filename or os.path.basename(file.name or "")
    content_type = SERVED_TYPES.get(extension_of(name), "application/octet-stream")
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
