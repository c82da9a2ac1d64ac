"""Rendered HTML kept in the cache under a digest of everything it is rendered from.

The busiest pages (the scorecard, the scoring grid, the assessment list, the heat map) spend
most of a request in Python: composing queries, building rows, running templates. Their
main part is rendered once and then read back while its inputs stay the same. A fragment's
key is a digest of:
- the code (every template, Python module and compiled catalogue of the project, and the
  static files' manifest, read once per process), so a deployment never serves markup of
  the previous one;
- the language, the template, the acting user, their roles and scope, the path and query;
- ``inputs``: what the page reads that can change, given by the caller: either the very rows
  the fragment is rendered from (so the fragment is a pure function of what is hashed), or
  a one-query summary of them in which every change shows (``scorecard_inputs``). Tests
  change each input in turn and see the page change.

Nothing is ever invalidated: a change gives another key, and the old entry expires. As a
key names its content, each process also keeps its most recent fragments in memory (no
stale copy is possible), which spares the shared cache's round trip on a page read again.
The page's CSRF token is not cached: the fragment is rendered with a placeholder that is
replaced on every read by the request's own token.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENT_SECONDS = 24 * 3600
CSRF_PLACEHOLDER = "kp-csrf-3b1f0e9d5c"
# Each process keeps its latest fragments up to this many characters (a heat map page is
# about 100,000).
LOCAL_CHARS = 8_000_000
_local: OrderedDict[str, str] = OrderedDict()
_local_size = 0
_local_lock = threading.Lock()
# Where the code lives whose change must change every key; tests and benchmarks are not
# served, the virtual environment only changes with a deployment that changes the lock.
_CODE_SUFFIXES = (".py", ".html", ".txt", ".mo")
_NOT_CODE = {".venv", "tests", "bench", "static", "var", "media", "node_modules", "docs"}


@functools.cache
def code_version() -> str:
    """A digest of the project's templates, modules and catalogues, computed once per process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted(_code_files(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    # The static files' hashed names, where collectstatic wrote them ({% static %} in a
    # fragment names a file of this deployment).
    manifest = Path(settings.STATIC_ROOT or root / "var" / "staticfiles") / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _code_files(root: Path) -> Iterable[Path]:
    for child in root.iterdir():
        if child.name.startswith(".") or child.name in _NOT_CODE:
            continue
        if child.is_dir():
            yield from (p for p in child.rglob("*") if p.suffix in _CODE_SUFFIXES)
        elif child.suffix in _CODE_SUFFIXES:
            yield child


def row_values(instance: Model, _seen: frozenset[int] = frozenset()) -> tuple[Any, ...]:
    """An instance's field values and those of the related rows fetched with it: the inputs
    of a fragment drawn from them. (A row reached again, as a one-to-one's other side, is
    named, not repeated.)"""
    values: list[Any] = [type(instance).__name__]
    values += [(k, v) for k, v in sorted(instance.__dict__.items()) if not k.startswith("_")]
    seen = _seen | {id(instance)}
    for name, related in sorted(instance._state.fields_cache.items()):
        if related is None or id(related) in seen:
            values.append((name, related and related.pk))
        else:
            values.append((name, row_values(related, seen)))
    return tuple(values)


def fragment_key(request: Any, template_name: str, inputs: Any) -> str:
    actor = getattr(request, "actor", None)
    who = (
        (
            actor.user_id, actor.tenant_id, sorted(actor.roles), actor.whole_tenant,
            sorted(actor.street_ids), sorted(actor.community_ids), sorted(actor.secretary_ids),
        )
        if actor is not None
        else None
    )  # fmt: skip
    parts = (
        code_version(), get_language(), template_name, who, str(request.user),
        request.path, sorted(request.GET.lists()), inputs,
    )  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"fragment:{template_name}:{digest}"


def cached_fragment(
    request: Any,
    template_name: str,
    *,
    inputs: Any,
    context: Callable[[], dict[str, Any]],
) -> SafeString:
    """``template_name`` rendered with ``context()`` (called only when the cache has no
    fragment for these inputs); ``inputs`` must hold everything the context is built from
    that a key of the user, path and query does not already fix. The fragment must not
    show Django messages (they are read once, by the page around it)."""
    key = fragment_key(request, template_name, inputs)
    html = local_fragment(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = render_to_string(
                template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request=request
            )
            cache.set(key, html, FRAGMENT_SECONDS)
        remember_local(key, html)
    token = get_token(request) if CSRF_PLACEHOLDER in html else ""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308 - our own template's output


def local_fragment(key: str) -> str | None:
    """This process's copy of a fragment, if it has one."""
    return _local.get(key)


def remember_local(key: str, html: str) -> None:
    global _local_size
    with _local_lock:
        if key not in _local:
            _local[key] = html
            _local_size += len(html)
        while _local_size > LOCAL_CHARS and _local:
            _local_size -= len(_local.popitem(last=False)[1])


def forget_local_fragments() -> None:
    """Empty this process's copies (tests that clear the shared cache call this too)."""
    global _local_size
    with _local_lock:
        _local.clear()
        _local_size = 0
