"""Rendered HTML kept in the cache under a digest of everything it is rendered from.

The busiest pages (the scorecard, the scoring grid, the assessment list, the heat map) spend
most of a request in Python: composing queries, building rows, running templates. Their
main part is rendered once and then read back while its inputs stay the same. A fragment's
key is a digest of:
- the code (every template, Python module and compiled catalogue of the project, the static
  files' manifest and the locked packages, read once per process) and the installation (a
  digest of its secret key and database), so a deployment never serves markup of the
  previous one, nor of another installation sharing the Redis;
- the language, the template, the acting user, their roles and scope, the path and the
  query parameters the page reads;
- ``inputs``: what the page reads that can change, given by the caller: either the very rows
  the fragment is rendered from (so the fragment is a pure function of what is hashed), or
  a one-query summary of them in which every change shows (``scorecard_inputs``). Tests
  change each input in turn and see the page change.

Nothing is ever invalidated: a change gives another key, and the old entry expires. As a
key names its content, each process also keeps its most recent fragments in memory (no
stale copy is possible), which spares the shared cache's round trip on a page read again.
The page's CSRF token is not cached: the fragment is rendered with a random marker, kept
with it, that every read replaces with the request's own token. If Redis cannot be reached,
pages are drawn as before.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
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

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 24 * 3600
# Each process keeps its latest fragments up to this many characters (a heat map page is
# about 100,000).
LOCAL_CHARS = 8_000_000
_local: OrderedDict[str, tuple[str, str]] = OrderedDict()
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
    # The packages the markup also comes from (a Django or widget upgrade with no change of
    # ours), and the installation: two deployments sharing one Redis (staging beside
    # production) never read each other's fragments, whose users' ids overlap.
    for name in ("requirements.lock", "pyproject.toml"):
        if (root / name).is_file():
            digest.update((root / name).read_bytes())
    database = settings.DATABASES["default"]
    installation = (settings.SECRET_KEY, database.get("HOST"), database.get("NAME"))
    digest.update(hashlib.sha256(repr(installation).encode()).digest())
    return digest.hexdigest()[:16]


def _code_files(root: Path) -> Iterable[Path]:
    for child in root.iterdir():
        if child.name.startswith(".") or child.name in _NOT_CODE:
            continue
        if child.is_dir():
            yield from (p for p in child.rglob("*") if p.suffix in _CODE_SUFFIXES)
        elif child.suffix in _CODE_SUFFIXES:
            yield child


# Columns a page never shows, whose change must not make a new key (a secretary's login).
_UNSHOWN = frozenset({"password", "last_login"})


def row_values(instance: Model, _seen: frozenset[int] = frozenset()) -> tuple[Any, ...]:
    """An instance's field values and those of the related rows fetched with it: the inputs
    of a fragment drawn from them. (A row reached again, as a one-to-one's other side, is
    named, not repeated.)"""
    values: list[Any] = [type(instance).__name__]
    values += [
        (k, v)
        for k, v in sorted(instance.__dict__.items())
        if not k.startswith("_") and k not in _UNSHOWN
    ]
    seen = _seen | {id(instance)}
    for name, related in sorted(instance._state.fields_cache.items()):
        if related is None or id(related) in seen:
            values.append((name, related and related.pk))
        else:
            values.append((name, row_values(related, seen)))
    return tuple(values)


def fragment_key(
    request: Any, template_name: str, inputs: Any, params: Iterable[str] | None = None
) -> str:
    """The key of a fragment: the code, the language, the template, the user with their roles
    and scope, the path, the query (only ``params`` of it, when given: a parameter the page
    does not read must not make new entries) and the inputs."""
    actor = getattr(request, "actor", None)
    who = (
        (
            actor.user_id, actor.tenant_id, sorted(actor.roles), actor.whole_tenant,
            sorted(actor.street_ids), sorted(actor.community_ids), sorted(actor.secretary_ids),
        )
        if actor is not None
        else None
    )  # fmt: skip
    user = request.user
    query = (
        sorted(request.GET.lists())
        if params is None
        else [(name, request.GET.getlist(name)) for name in params]
    )
    parts = (
        code_version(), get_language(), template_name, who, user.pk, user.is_authenticated,
        str(user), request.path, query, inputs,
    )  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"fragment:{template_name}:{digest}"


def render_with_marker(render: Callable[[str], str]) -> tuple[str, str]:
    """``render(marker)``'s HTML with the marker it put where CSRF tokens go: random for each
    rendering, so that no text a user typed can name it."""
    marker = f"kp-csrf-{secrets.token_hex(12)}"
    return marker, render(marker)


def with_token(request: Any, stored: tuple[str, str]) -> SafeString:
    """A stored fragment with the request's own CSRF token where its marker is."""
    marker, html = stored
    token = get_token(request) if marker in html else ""
    return mark_safe(html.replace(marker, token))  # noqa: S308 - our own template's output


def cached_fragment(
    request: Any,
    template_name: str,
    *,
    inputs: Any,
    params: Iterable[str] = (),
    context: Callable[[], dict[str, Any]],
) -> SafeString:
    """``template_name`` rendered with ``context()`` (called only when the cache has no
    fragment for these inputs); ``inputs`` must hold everything the context is built from
    that a key of the user, path and the query parameters ``params`` does not already fix.
    The fragment must not show Django messages (they are read once, by the page around it).
    If the shared cache cannot be reached, the fragment is rendered and not kept there."""
    key = fragment_key(request, template_name, inputs, params)
    stored = local_fragment(key)
    if stored is None:
        stored = _shared_get(key)
        if stored is None:
            stored = render_with_marker(
                lambda marker: render_to_string(
                    template_name, {**context(), "csrf_token": marker}, request=request
                )
            )
            _shared_set(key, stored)
        remember_local(key, stored)
    return with_token(request, stored)


def _shared_get(key: str) -> tuple[str, str] | None:
    try:
        found: tuple[str, str] | None = cache.get(key)
    except Exception:  # any failure of the cache: draw the page instead
        logger.warning("fragment cache unreachable", exc_info=True)
        return None
    return found


def _shared_set(key: str, stored: tuple[str, str]) -> None:
    try:
        cache.set(key, stored, FRAGMENT_SECONDS)
    except Exception:  # a page is served whether or not it could be kept
        logger.warning("fragment cache unreachable", exc_info=True)


def local_fragment(key: str) -> tuple[str, str] | None:
    """This process's copy of a fragment, if it has one."""
    with _local_lock:
        stored = _local.get(key)
        if stored is not None:
            _local.move_to_end(key)
        return stored


def remember_local(key: str, stored: tuple[str, str]) -> None:
    global _local_size
    with _local_lock:
        if key not in _local:
            _local[key] = stored
            _local_size += len(stored[1])
        while _local_size > LOCAL_CHARS and _local:
            _local_size -= len(_local.popitem(last=False)[1][1])


def forget_local_fragments() -> None:
    """Empty this process's copies (tests that clear the shared cache call this too)."""
    global _local_size
    with _local_lock:
        _local.clear()
        _local_size = 0
