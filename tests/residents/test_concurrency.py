"""On PostgreSQL: one card submitted 200 times at once counts exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from residents.models import Answer, Response, UsedCard
from tests.residents.conftest import SCORES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 200
# Each thread holds its own database connection; the server allows 100 and is shared, so 40
# threads submit five times each, all released together by a barrier.
THREADS = 40


def test_200_concurrent_submissions_of_one_card_make_one_response(cast, rating, as_tenant):
    url = reverse("public-rating")
    body = {"kind": "card", "token": rating.tokens[0], "scores": SCORES}
    barrier = threading.Barrier(THREADS)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def worker() -> None:
        client = Client()
        try:
            barrier.wait()
            for _ in range(SUBMISSIONS // THREADS):
                status = client.post(url, body, content_type="application/json").status_code
                with lock:
                    statuses[status] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == Counter({201: 1, 409: SUBMISSIONS - 1})
    with as_tenant(cast.tenant_a):
        assert Response.objects.count() == 1
        assert Answer.objects.count() == len(SCORES)
        assert UsedCard.objects.count() == 1
