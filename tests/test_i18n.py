"""zh-Hans is the default language and its catalogue is complete; English is one click away."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR, "locale")


def test_zh_hans_catalogue_is_complete() -> None:
    po = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogues_match_their_sources() -> None:
    for language in ("zh_Hans", "en"):
        po = polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
        mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES/django.mo"))
        expected = {e.msgid: e.msgstr for e in po.translated_entries() if not e.obsolete}
        compiled = {e.msgid: e.msgstr for e in mo if e.msgid}
        assert compiled == expected, f"{language}: run `make messages` to recompile"


def test_the_login_page_is_chinese_by_default(client, db) -> None:
    html = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_the_language_switch_turns_pages_english(cast) -> None:
    client = cast.client_for("admin")
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("organizations:users")}
    )
    assert response.status_code == 302
    html = client.get(reverse("organizations:users")).content.decode()
    assert 'lang="en"' in html
    assert "Users and roles" in html
    assert "用户与角色" not in html
