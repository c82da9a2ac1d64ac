"""Uploads: what is accepted (by name and by content), what is refused with which message in
zh-Hans and English and with nothing saved, and how a stored file is handed back: only by
a scoped view, as an attachment with a safe type. The other files' URLs are probed for
every user in the access matrix (tests/organizations/test_access_matrix.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from PIL import Image

from assessments import services as assessment_services
from assessments.models import Rectification
from interviews import services as talk_services
from interviews.models import Talk
from organizations.selectors import actor_for_user
from organizations.uploads import EVIDENCE, TABLES, validate_upload
from tests.assessments.workflow import open_quarter, published_scheme

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def _package(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
GOOD = {
    "现场照片.jpg": _image("JPEG"),
    "photo.JPEG": _image("JPEG"),
    "scan.png": _image("PNG"),
    "phone.webp": _image("WEBP"),
    "会议纪要.pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
    "report.docx": _package("word/document.xml"),
    "report.doc": OLE2,
    "table.xlsx": _xlsx(),
    "table.xls": OLE2,
    "slides.pptx": _package("ppt/presentation.xml"),
    "slides.ppt": OLE2,
}
BAD = {
    "page.html": (HTML, "file_type"),
    "drawing.svg": (SVG, "file_type"),
    "page.png": (HTML, "file_content"),
    "drawing.png": (SVG, "file_content"),
    "drawing.jpg": (b"<?xml version='1.0'?>" + SVG, "file_content"),
    "setup.exe": (b"MZ\x90\x00" + bytes(60), "file_type"),
    "setup.pdf": (b"MZ\x90\x00" + bytes(60), "file_content"),
    "archive.docx": (_package("payload.js"), "file_content"),
    "book.docx": (_xlsx(), "file_content"),
    "empty.pdf": (b"", "file_content"),
    "no-extension": (b"%PDF-1.4", "file_type"),
    "notes.txt": (b"plain text", "file_type"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_photos_pdfs_and_office_documents_are_accepted(name: str) -> None:
    upload = SimpleUploadedFile(name, GOOD[name])
    validate_upload(upload)
    assert upload.tell() == 0  # left at its start for the storage to read


@pytest.mark.parametrize("name", sorted(BAD))
def test_markup_executables_and_disguised_files_are_refused(name: str) -> None:
    content, code = BAD[name]
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == code


def test_tables_for_import_are_csv_or_xlsx_and_not_markup() -> None:
    validate_upload(SimpleUploadedFile("12345.csv", "社区,2026,3,4\n".encode("gb18030")), extensions=TABLES)  # fmt: skip
    validate_upload(SimpleUploadedFile("12345.xlsx", _xlsx()), extensions=TABLES)
    for name, content in [("12345.csv", HTML), ("12345.csv", b"a,b\x00c"), ("12345.pdf", GOOD["会议纪要.pdf"])]:  # fmt: skip
        with pytest.raises(ValidationError):
            validate_upload(SimpleUploadedFile(name, content), extensions=TABLES)


def test_the_size_limit_is_10_mb(settings) -> None:
    assert settings.KAOPING_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    limit = settings.KAOPING_UPLOAD_MAX_BYTES
    validate_upload(SimpleUploadedFile("big.pdf", b"%PDF-1.4" + bytes(limit - 8)))
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("bigger.pdf", b"%PDF-1.4" + bytes(limit - 7)))
    assert refused.value.code == "file_size"


def test_evidence_kinds_are_the_ones_documented() -> None:
    security = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    listed = ", ".join(f"`.{ext}`" for ext in EVIDENCE)
    assert listed in security


# Through the pages, the API and the services ---------------------------------------------


@pytest.fixture
def item(cast, as_tenant) -> Rectification:
    with as_tenant(cast.tenant_a):
        assessment = open_quarter(cast, published_scheme(cast))[1]["a11"]
        return assessment_services.rectification_raise(
            actor=actor_for_user(cast.admin), community=assessment.community,
            assessment=assessment, title="台账不全", owner=cast.secretary,
            deadline=dt.date(2099, 1, 1),
        )  # fmt: skip


def _unchanged(as_tenant: Any, cast: Any, item: Rectification) -> None:
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert (item.status, item.evidence.name) == (Rectification.Status.OPEN, "")


@pytest.mark.parametrize(
    ("name", "content", "english", "chinese"),
    [
        (
            "photo.html", HTML,
            "“photo.html” cannot be uploaded: only JPG, PNG, WebP, PDF, Word, Excel, PowerPoint files are accepted.",
            "“photo.html”无法上传：只接受 JPG, PNG, WebP, PDF, Word, Excel, PowerPoint 文件。",
        ),
        (
            "photo.svg", SVG,
            "“photo.svg” cannot be uploaded: only JPG, PNG, WebP, PDF, Word, Excel, PowerPoint files are accepted.",
            "“photo.svg”无法上传：只接受 JPG, PNG, WebP, PDF, Word, Excel, PowerPoint 文件。",
        ),
        (
            "photo.png", SVG,
            "“photo.png” is not a genuine PNG file: its content does not match its name. Only JPG, PNG, WebP, PDF, Word, Excel, PowerPoint files are accepted.",
            "“photo.png”不是真正的 PNG 文件：内容与文件名不符。只接受 JPG, PNG, WebP, PDF, Word, Excel, PowerPoint 文件。",
        ),
        (
            "photo.png", HTML,
            "“photo.png” is not a genuine PNG file: its content does not match its name. Only JPG, PNG, WebP, PDF, Word, Excel, PowerPoint files are accepted.",
            "“photo.png”不是真正的 PNG 文件：内容与文件名不符。只接受 JPG, PNG, WebP, PDF, Word, Excel, PowerPoint 文件。",
        ),
    ],
)  # fmt: skip
def test_the_page_refuses_html_and_svg_in_both_languages_and_saves_nothing(
    cast, as_tenant, item, name, content, english, chinese
) -> None:
    url = reverse("assessments:rectification_done", args=[item.pk])
    secretary = cast.client_for("secretary")
    for headers, message in ((EN, english), (ZH, chinese)):
        upload = SimpleUploadedFile(name, content, content_type="image/png")
        response = secretary.post(url, {"note": "已补齐", "evidence": upload}, **headers)
        assert response.status_code == 400
        assert response.context["done_form"].errors == {"evidence": [message]}
        assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")  # fmt: skip
    _unchanged(as_tenant, cast, item)


def test_the_api_refuses_a_renamed_svg_and_saves_nothing(cast, as_tenant, item) -> None:
    url = reverse("rectification-done", args=[item.pk])
    response = cast.client_for("secretary").post(
        url, {"note": "已补齐", "evidence": SimpleUploadedFile("photo.png", SVG)}, **EN
    )
    assert response.status_code == 400
    assert response.json() == {
        "evidence": [
            "“photo.png” is not a genuine PNG file: its content does not match its name. "
            "Only JPG, PNG, WebP, PDF, Word, Excel, PowerPoint files are accepted."
        ]
    }
    _unchanged(as_tenant, cast, item)


def test_an_oversized_upload_is_refused_and_nothing_saved(cast, as_tenant, item, settings) -> None:
    big = b"%PDF-1.4" + bytes(settings.KAOPING_UPLOAD_MAX_BYTES)
    for client, url in [
        (cast.client_for("secretary"), reverse("rectification-done", args=[item.pk])),
        (cast.client_for("secretary"), reverse("assessments:rectification_done", args=[item.pk])),
    ]:
        response = client.post(url, {"note": "x", "evidence": SimpleUploadedFile("scan.pdf", big)}, **EN)  # fmt: skip
        assert response.status_code == 400
        assert "“scan.pdf” is larger than 10 MB." in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")  # fmt: skip
    _unchanged(as_tenant, cast, item)


def test_a_service_refuses_a_disguised_file_itself(cast, as_tenant) -> None:
    actor = actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a), pytest.raises(ValidationError) as refused:
        talk_services.talk_record(
            actor=actor, community=cast.community_a11, kind=Talk.Kind.ROUTINE,
            held_on=dt.date(2026, 7, 1), attachment=ContentFile(HTML, name="minutes.pdf"),
        )  # fmt: skip
    assert list(refused.value.message_dict) == ["attachment"]
    with as_tenant(cast.tenant_a):
        assert not Talk.objects.exists()


# Handing files back ------------------------------------------------------------------------


def _done(cast: Any, item: Rectification, name: str, content: bytes) -> None:
    response = cast.client_for("secretary").post(
        reverse("assessments:rectification_done", args=[item.pk]),
        {"note": "已补齐", "evidence": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302


def test_a_served_file_is_an_attachment_with_a_safe_type(cast, as_tenant, item) -> None:
    _done(cast, item, "现场照片.jpg", GOOD["现场照片.jpg"])
    response = cast.client_for("assessor").get(
        reverse("assessments:rectification_evidence", args=[item.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == GOOD["现场照片.jpg"]


def test_a_file_stored_before_the_checks_is_served_as_plain_bytes(cast, as_tenant, item) -> None:
    with as_tenant(cast.tenant_a):
        item.evidence.save("old.html", ContentFile(HTML))
    response = cast.client_for("assessor").get(
        reverse("assessments:rectification_evidence", args=[item.pk])
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("user", ["assessor_a2", "secretary_a21", "admin_b", "assessor_b"])
def test_another_streets_or_tenants_user_gets_404_for_the_file(cast, as_tenant, item, user) -> None:
    _done(cast, item, "scan.pdf", GOOD["会议纪要.pdf"])
    url = reverse("assessments:rectification_evidence", args=[item.pk])
    assert cast.client_for("assessor").get(url).status_code == 200
    assert cast.client_for(user).get(url).status_code == 404


def test_the_api_links_files_through_their_scoped_view(cast, as_tenant, item) -> None:
    _done(cast, item, "scan.pdf", GOOD["会议纪要.pdf"])
    data = cast.client_for("assessor").get(reverse("rectification-detail", args=[item.pk])).json()
    assert data["evidence"] == "http://testserver" + reverse(
        "assessments:rectification_evidence", args=[item.pk]
    )


def test_uploaded_media_has_no_url_of_its_own(settings) -> None:
    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "rectifications/2026/07/scan.pdf")


def test_no_template_links_to_a_stored_files_own_url() -> None:
    templates = Path(__file__).resolve().parents[2] / "templates"
    direct = re.compile(r"\b(evidence|attachment|file)\.url\b")
    assert [p.name for p in templates.rglob("*.html") if direct.search(p.read_text())] == []
