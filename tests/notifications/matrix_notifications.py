"""Notifications are personal: the probed one belongs to the cast's secretary, and every
other user (admins included) gets 404 for it."""

from __future__ import annotations

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe


def _mine(w):
    return w.a["notification"].pk


ROWS: dict[str, Probe] = {
    "notifications:list": Probe("get", lambda w: reverse("notifications:list"), {"anon": 302, "*": 200}),
    "notifications:read": Probe(
        "post", lambda w: reverse("notifications:read", args=[_mine(w)]), {"anon": 302, "secretary": 302, "*": 404}
    ),
    "notifications:badge": Probe("get", lambda w: reverse("notifications:badge"), {"anon": 302, "*": 200}),
    "notifications:read_all": Probe("post", lambda w: reverse("notifications:read_all"), {"*": 302}),
    "notifications:preferences": Probe(
        "get", lambda w: reverse("notifications:preferences"), {"anon": 302, "*": 200}
    ),
    "notification-list": Probe("get", lambda w: reverse("notification-list"), {"anon": 403, "*": 200}),
    "notification-detail": Probe(
        "get", lambda w: reverse("notification-detail", args=[_mine(w)]), {"anon": 403, "secretary": 200, "*": 404}
    ),
    "notification-read": Probe(
        "post", lambda w: reverse("notification-read", args=[_mine(w)]), {"anon": 403, "secretary": 200, "*": 404}
    ),
    "notification-read-all": Probe("post", lambda w: reverse("notification-read-all"), {"anon": 403, "*": 200}),
}  # fmt: skip
