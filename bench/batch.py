"""A street's PDF batch with one and with two Celery workers.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping \\
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.batch [--communities 50]

Uses a ``seed_scale`` tenant with one street of N communities (default 50; built once in the
``<db>_bench_scale`` database) scored over a year, so each scorecard has its trend across
the quarters. For one and then two workers (``celery worker --concurrency 1`` each, real
processes on the Redis broker of REDIS_URL, whose default queue is purged first), every
cached scorecard of the street is deleted, the street's assessor asks for the last quarter's
batch (``reports.services.batch_start``, as the batch page does) and the time until the
batch is done is taken (from the request to the ZIP, the workers already up). One worker
and two alternate for ``--rounds`` rounds (default 3); the figures are the medians. Ends with
``RESULT {"one_worker_s": …, "two_workers_s": …, "reports": …}``. Target: two workers at
least 1.6× faster than one.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.common import result, scale_tenant, setup_django_on_bench_database


def start_workers(count: int, media: str) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes of one process each, once they all answer a ping."""
    from config.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "KAOPING_MEDIA_ROOT": media,
        "DJANGO_CONN_MAX_AGE": "60",
    }
    command = [
        sys.executable, "-m", "celery", "--quiet", "-A", "config", "worker", "--concurrency", "1",
        "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    workers = [
        subprocess.Popen([*command, "--hostname", f"bench-batch-{n}@%h"], env=env)
        for n in range(count)
    ]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if len([r for r in replies if any(k.startswith("bench-batch-") for k in r)]) >= count:
            return workers
        time.sleep(0.5)
    stop(workers)
    sys.exit("the Celery workers did not answer")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def run_batch(tenant_id: int, street_code: str) -> tuple[float, Any]:
    """Forget the street's scorecards, ask for its batch, wait for it; seconds and batch."""
    from assessments.models import Cycle
    from organizations.models import Membership, OrgUnit
    from organizations.rls import tenant_context
    from organizations.selectors import actor_for_user
    from reports import services
    from reports.models import ReportArtifact, ReportBatch

    with tenant_context(tenant_id):
        street = OrgUnit.objects.get(code=street_code)
        cycle = Cycle.objects.order_by("-year", "-quarter").first()
        assert cycle is not None
        ReportArtifact.objects.filter(cycle=cycle, street=street).delete()
        assessor = Membership.objects.get(role="street_assessor", unit=street).user
        actor = actor_for_user(assessor)
        assert actor is not None
    started = time.perf_counter()
    with tenant_context(tenant_id):  # the jobs are queued when this commits
        batch = services.batch_start(actor=actor, cycle=cycle, street=street)
    while True:
        time.sleep(0.1)
        with tenant_context(tenant_id):
            batch = ReportBatch.objects.get(pk=batch.pk)
        if batch.finished:
            return time.perf_counter() - started, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=50, help="communities of the street")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, alternating")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit(
            "Set REDIS_URL to a Redis database for the Celery broker (e.g. redis://127.0.0.1:6379/0)."
        )
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    setup_django_on_bench_database("bench_scale")
    from config.celery import app

    tenant_id = scale_tenant(args.communities, per_street=args.communities, code=f"batch-{args.communities}")  # fmt: skip
    street_code = f"batch-{args.communities}-s0000"
    app.control.purge()
    media = tempfile.mkdtemp(prefix="kaoping-bench-batch-")
    from django.conf import settings

    settings.MEDIA_ROOT = media
    runs: dict[int, list[float]] = {1: [], 2: []}
    # One worker, then two, again and again: both meet the same machine (it is shared), and
    # the medians leave out a round that another process slowed down.
    for _round in range(args.rounds):
        for count in (1, 2):
            workers = start_workers(count, media)
            cpu_before = _children_cpu()
            try:
                took, batch = run_batch(tenant_id, street_code)
            finally:
                stop(workers)
            runs[count].append(took)
            # The workers' CPU time (with their pool processes): if two workers spend as
            # much as one and still take as long, the machine had no second core to give.
            cpu = _children_cpu() - cpu_before
            failed = len(batch.failures) if batch.status == batch.Status.DONE else batch.total
            print(
                f"{count} worker{'s' if count > 1 else ''}: {batch.done} reports in "
                f"{took:.1f} s ({batch.status}, {failed} failed); the workers used "
                f"{cpu:.1f} s of CPU, load average {os.getloadavg()[0]:.1f}"
            )
            if batch.status != batch.Status.DONE or batch.failures:
                sys.exit(f"the batch did not succeed: {batch.message or batch.failures[:3]}")
    one, two = statistics.median(runs[1]), statistics.median(runs[2])
    print(f"two workers {one / two:.2f}× faster than one (medians of {args.rounds} rounds)")
    result({"one_worker_s": round(one, 2), "two_workers_s": round(two, 2), "reports": batch.done})


if __name__ == "__main__":
    main()
