"""kill -9 on real Celery workers, through the real Redis, against the real PostgreSQL.

Each scenario starts ``celery -A config worker`` (prefork, one pool process) on the test
database and a Redis database of its own, then holds the job at a known point in its middle
by taking a lock the job needs next. From ``pg_stat_activity`` and ``pg_locks`` the test sees
the job waiting on that lock and what it has written (uncommitted) so far; then it kills
the worker with SIGKILL, lets go of the lock, and checks that the job completes after the
restart, once: one row per result, one set of warnings, one file per report.

Two ways of dying are exercised:
- the pool process that runs the task (what the kernel's OOM killer does): the worker's main
  process sees it go and, the task being acknowledged late with ``reject_on_worker_lost``,
  puts the message back on the queue at once;
- the whole worker, main process included (a machine lost): nobody acknowledges nor rejects
  the message, and Redis hands it out again once it has been unacknowledged for the
  visibility timeout, which these workers shorten to a few seconds
  (tests/fault_worker_settings.py says why).

The last scenario shows that a job that keeps failing stops after its bounded retries.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, Escalation
from assessments import services as assessment_services
from assessments.models import Result, ScoreEntry
from notifications.models import Notification
from organizations.rls import tenant_context
from organizations.tasks_base import MAX_RETRIES
from reports import selectors as report_selectors
from reports.models import ReportArtifact, ReportBatch
from tests.alerts.conftest import Quarters
from tests.reports.scenario import open_rectification, scored_cycle

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
WORKER_SETTINGS = "tests.fault_worker_settings"


def wait_for(
    check: Callable[[], T], *, what: str, timeout: float, worker: Worker | None = None
) -> T:
    """Poll ``check`` until it returns something true; fail with the worker's log if it
    does not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            log = worker.log()[-4000:] if worker else ""
            raise AssertionError(
                f"{what}: not within {timeout} s\n--- sessions ---\n{_sessions()}"
                f"\n--- worker log ---\n{log}"
            )
        time.sleep(0.05)


def _sessions() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid), query"
            " FROM pg_stat_activity WHERE datname = current_database()"
        )
        return "\n".join(map(str, cursor.fetchall()))


# Workers ---------------------------------------------------------------------------------


def _worker_redis_url() -> str:
    """A Redis database of the workers' own (KAOPING_FAULTS_REDIS_URL, or the one after
    REDIS_URL's), so that no message a killed worker leaves behind can reach another
    test's worker."""
    explicit = os.environ.get("KAOPING_FAULTS_REDIS_URL")
    if explicit:
        return explicit
    parts = urlsplit(os.environ["REDIS_URL"])
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 1) % 16}"))


def _database_url() -> str:
    """The test database, for the worker processes."""
    s = connection.settings_dict
    credentials = f"{quote(s['USER'], safe='')}:{quote(s['PASSWORD'] or '', safe='')}"
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """``celery -A config worker`` in a process group of its own."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
                 "--concurrency=1", "--loglevel=INFO", "--without-heartbeat",
                 "--without-gossip", "--without-mingle", f"--hostname={name}@%h"],
                cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        wait_for(
            lambda: " ready." in self.log() or not self.alive,
            what=f"worker {self.name} ready", timeout=60, worker=self,
        )  # fmt: skip
        assert self.alive, self.log()

    def pool_process(self) -> int:
        """The pid of the one pool process (the main process forks it)."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children.update(int(pid) for pid in (task / "children").read_text().split())
        assert len(children) == 1, children
        return children.pop()

    def kill_pool_process(self) -> int:
        pid = self.pool_process()
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """SIGKILL to the whole process group: main process and pool process at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def received(self, task_id: str) -> int:
        """How many times this worker was handed the task."""
        return self.log().count(f"Task {self.task_name(task_id)}[{task_id}] received")

    def task_name(self, task_id: str) -> str:
        for line in self.log().splitlines():
            if f"[{task_id}] received" in line:
                return line.split("Task ", 1)[1].split("[", 1)[0]
        return "?"


class Workers:
    """The scenarios' workers: one runs at a time; a scenario that kills it starts the next."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.started: list[Worker] = []

    def start(self) -> Worker:
        number = len(self.started) + 1
        worker = Worker(f"faults-{number}", self.env, self.logs / f"worker-{number}.log")
        self.started.append(worker)
        worker.wait_ready()
        return worker

    def running(self) -> Worker:
        if self.started and self.started[-1].alive:
            return self.started[-1]
        return self.start()

    def kill_all(self) -> None:
        # Idle by the end of the module: nothing to lose, and no warm shutdown to wait for.
        for worker in self.started:
            if worker.alive:
                worker.kill()


@pytest.fixture(scope="module")
def broker_url() -> Iterator[str]:
    import redis

    url = _worker_redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """The workers' logs and media. Not pytest's tmp_path: other pytest sessions on the
    machine prune the shared base directory, and a worker outlives a test."""
    path = Path(tempfile.mkdtemp(prefix="kaoping-faults-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def media_root(scratch: Path) -> Path:
    path = scratch / "media"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def workers(
    django_db_setup: Any, broker_url: str, media_root: Path, scratch: Path
) -> Iterator[Workers]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker_url,
        "KAOPING_MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }
    pool = Workers(env, scratch)
    yield pool
    pool.kill_all()


@pytest.fixture(scope="module")
def sender(broker_url: str) -> Iterator[Celery]:
    """Enqueues by task name on the workers' Redis and reads their results; the test
    process's own Celery app stays eager."""
    app = Celery("faults-sender", broker=broker_url, backend=broker_url)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    yield app
    app.close()


# What the database shows about the job ---------------------------------------------------


def waiting_on_me() -> list[tuple[int, str]]:
    """The other sessions of the test database waiting for a lock this session holds."""
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless told to read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database()"
            " AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        )
        return list(cursor.fetchall())


def the_job_waits(worker: Worker, timeout: float = 20) -> tuple[int, str]:
    waiting = wait_for(
        waiting_on_me, what="the job waits on the lock", timeout=timeout, worker=worker
    )
    assert len(waiting) == 1, waiting
    return waiting[0]


def worker_saw_its_pool_process_die(worker: Worker) -> None:
    wait_for(
        lambda: "WorkerLostError" in worker.log(), what="the worker saw its pool process die",
        timeout=20, worker=worker,
    )  # fmt: skip


def has_written(pid: int, table: str) -> bool:
    """Whether session ``pid`` holds the lock of a session that has written into ``table``
    in its open transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND granted"
            " AND relation = %s::regclass AND mode = 'RowExclusiveLock')",
            [pid, table],
        )
        return bool(cursor.fetchone()[0])


@contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Hold ACCESS EXCLUSIVE on ``table`` for the block: anyone reading it waits."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield


def rolled_back(compute: Callable[[], T]) -> T:
    """What ``compute`` returns, with everything it wrote undone."""
    with transaction.atomic():
        value = compute()
        transaction.set_rollback(True)
    return value


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# The scenarios ---------------------------------------------------------------------------


def test_a_recompute_killed_half_way_is_redone_once(cast, workers, sender) -> None:
    worker = workers.running()
    tenant = cast.tenant_a.pk
    with tenant_context(tenant):
        cycle, assessments = scored_cycle(cast, 3)
        # New scores since the stored results: the recompute has something to change.
        ScoreEntry.objects.filter(assessment=assessments["a11"]).update(value=F("value") - 30)

        def recompute() -> dict[int, tuple[str, int]]:
            assessment_services.recompute_cycle(cycle_id=cycle.pk)
            return {
                r.assessment_id: (str(r.total), r.rank_in_tenant)
                for r in Result.objects.filter(assessment__cycle=cycle)
            }

        expected = rolled_back(recompute)
        stored_before = {
            r.assessment_id: str(r.total) for r in Result.objects.filter(assessment__cycle=cycle)
        }
    assert len(expected) >= 2 and any(expected[pk][0] != stored_before[pk] for pk in expected)
    # Results are stored in rank order: locking the last one holds the job after the others.
    last = max(expected, key=lambda pk: expected[pk][1])

    sent_at = dt.datetime.now(dt.UTC)
    with tenant_context(tenant):
        Result.objects.select_for_update().get(assessment_id=last)
        job = sender.send_task("assessments.recompute_cycle_results", args=[tenant, cycle.pk])
        pid, query = the_job_waits(worker)
        assert "assessments_result" in query and has_written(pid, "assessments_result")
        killed = worker.kill_pool_process()
        worker_saw_its_pool_process_die(worker)
    assert job.get(timeout=30, disable_sync_subtasks=False) == len(expected)
    assert worker.alive and worker.pool_process() != killed
    assert worker.received(job.id) == 2  # once killed, once done
    with tenant_context(tenant):
        results = list(Result.objects.filter(assessment__cycle=cycle))
    assert {r.assessment_id: (str(r.total), r.rank_in_tenant) for r in results} == expected
    assert all(r.computed_at > sent_at for r in results)


def _quarter_before(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def test_a_warning_evaluation_killed_with_its_worker_is_redelivered_and_done_once(
    cast, workers, sender
) -> None:
    worker = workers.running()
    tenant = cast.tenant_a.pk
    today = timezone.localdate()  # the worker's "today"
    current = (today.year, (today.month - 1) // 3 + 1)
    previous = _quarter_before(*current)
    quarters = [_quarter_before(*previous), previous, current]
    q = Quarters(cast)
    # Two earlier quarters with warnings, evaluated then; the third makes three in a row, so
    # the worker's evaluation trips the circuit breaker after writing the warnings.
    for year, quarter in quarters[:2]:
        q.publish(year, quarter, {cast.community_a11: "50.00"})
        with tenant_context(tenant):
            alert_services.evaluate_tenant(
                tenant_id=tenant, today=dt.date(year, 3 * quarter - 1, 15)
            )
    q.publish(*current, {cast.community_a11: "50.00", cast.community_a21: "85.00"})

    with table_locked("alerts_escalation"):
        job = sender.send_task("alerts.evaluate_tenant", args=[tenant])
        pid, query = the_job_waits(worker)
        assert "alerts_escalation" in query and has_written(pid, "alerts_alert")
        worker.kill()
    second = workers.start()
    summary = job.get(timeout=30, disable_sync_subtasks=False)
    assert second.received(job.id) == 1
    assert summary["created"] > 0 and summary["escalated"] == 1

    with tenant_context(tenant):
        alerts = list(Alert.objects.filter(tenant_id=tenant))
        keys = [(a.rule, a.community_id, a.subject, a.period) for a in alerts]
        assert len(keys) == len(set(keys))
        # The follow-up job (planning the special talk) ran once the evaluation committed.
        escalation = wait_for(
            lambda: Escalation.objects.filter(talk_id__isnull=False).first(),
            what="the special talk is planned", timeout=20, worker=second,
        )  # fmt: skip
        assert Escalation.objects.count() == 1 and escalation.community_id == cast.community_a11.pk
        breaker = Notification.objects.filter(verb="alerts.circuit_breaker")
        assert sorted(breaker.values_list("recipient__username", flat=True)) == [
            "a-admin",
            "a-leader",
        ]
        # Nothing was left undone: evaluating again finds every warning already there.
        again = alert_services.evaluate_tenant(tenant_id=tenant)
    assert (again.created, again.updated, again.resolved, again.escalated) == (0, 0, 0, 0)
    assert len([k for k in keys if k[3] == f"{current[0]}Q{current[1]}"]) == summary["created"]


def test_a_report_batch_killed_after_writing_its_files_leaves_one_of_each(
    cast, workers, sender, media_root
) -> None:
    worker = workers.running()
    tenant = cast.tenant_a.pk
    shutil.rmtree(media_root)
    media_root.mkdir()
    with tenant_context(tenant):
        cycle, assessments = scored_cycle(cast, 3)
        batch = ReportBatch.objects.create(
            tenant_id=tenant, cycle=cycle, street=None, total=len(assessments),
            requested_by=cast.admin,
        )  # fmt: skip

    # The batch is one job per scorecard, then one that zips them and tells the requester
    # last: with the notifications locked, that job waits there, every scorecard and the
    # ZIP already written.
    with table_locked("notifications_notification"):
        sender.send_task("reports.build_batch", args=[tenant, batch.pk]).get(
            timeout=60, disable_sync_subtasks=False
        )
        pid, _query = the_job_waits(worker, timeout=60)
        assert has_written(pid, "reports_reportbatch")
        written = files_under(media_root)
        assert sum(name.endswith(".zip") for name in written) == 1
        assert sum(name.endswith(".pdf") for name in written) == len(assessments)
        worker.kill_pool_process()
        worker_saw_its_pool_process_die(worker)
    finish = next(
        line.split("Task reports.finish_batch[", 1)[1].split("]", 1)[0]
        for line in worker.log().splitlines()
        if "Task reports.finish_batch[" in line and "received" in line
    )

    def finished() -> bool:
        with tenant_context(tenant):
            return ReportBatch.objects.filter(pk=batch.pk, status="done").exists()

    wait_for(finished, what="the batch is done after the kill", timeout=60, worker=worker)
    assert worker.received(finish) == 2

    with tenant_context(tenant):
        batch.refresh_from_db()
        artifacts = list(ReportArtifact.objects.filter(cycle=cycle))
        told = Notification.objects.filter(verb=f"reports.batch:{batch.pk}").count()
    assert (batch.status, batch.done, batch.failures) == ("done", len(assessments), [])
    assert len(artifacts) == len(assessments)
    # Every file on disk belongs to a row: the killed attempt left no stray copy behind.
    assert files_under(media_root) == {a.file.name for a in artifacts} | {batch.file.name}
    with zipfile.ZipFile(io.BytesIO((media_root / batch.file.name).read_bytes())) as archive:
        assert len(archive.namelist()) == len(assessments)
    assert told == 1


def test_a_scorecard_build_killed_half_way_replaces_the_old_file_once(
    cast, workers, sender, media_root
) -> None:
    worker = workers.running()
    tenant = cast.tenant_a.pk
    shutil.rmtree(media_root)
    media_root.mkdir()
    with tenant_context(tenant):
        _cycle, assessments = scored_cycle(cast, 3)
        assessment = assessments["a11"]
    first = sender.send_task("reports.build_scorecard", args=[tenant, assessment.pk])
    artifact_id = first.get(timeout=60, disable_sync_subtasks=False)
    with tenant_context(tenant):
        old = ReportArtifact.objects.get(pk=artifact_id)
        # A new rectification: the cached scorecard is stale and must be rebuilt.
        open_rectification(cast, assessment)
        fresh = report_selectors.scorecard_fingerprint(assessment)
    assert fresh != old.fingerprint and files_under(media_root) == {old.file.name}

    with tenant_context(tenant):
        ReportArtifact.objects.select_for_update().get(pk=artifact_id)
        job = sender.send_task("reports.build_scorecard", args=[tenant, assessment.pk])
        _pid, query = the_job_waits(worker)  # rendered, about to store
        assert "reports_reportartifact" in query
        worker.kill_pool_process()
        worker_saw_its_pool_process_die(worker)
    assert job.get(timeout=60, disable_sync_subtasks=False) == artifact_id
    assert worker.received(job.id) == 2

    with tenant_context(tenant):
        artifacts = list(ReportArtifact.objects.filter(assessment=assessment))
    assert [(a.pk, a.fingerprint) for a in artifacts] == [(artifact_id, fresh)]
    assert files_under(media_root) == {artifacts[0].file.name} != {old.file.name}
    assert (media_root / artifacts[0].file.name).read_bytes().startswith(b"%PDF")


def test_a_job_that_keeps_failing_stops_after_its_bounded_retries(cast, workers, sender) -> None:
    """Each attempt loses its database connection (the test terminates it): the job is
    retried MAX_RETRIES times with backoff, then fails for good and leaves nothing queued."""
    import redis

    worker = workers.running()
    tenant = cast.tenant_a.pk
    attempts: list[int] = []
    with table_locked("alerts_thresholdset"):  # the evaluation's first read
        job = sender.send_task("alerts.evaluate_tenant", args=[tenant])

        def next_attempt_or_end() -> bool:
            for pid, _query in waiting_on_me():
                if pid not in attempts:
                    attempts.append(pid)
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            return job.state == "FAILURE"

        wait_for(next_attempt_or_end, what="the job fails for good", timeout=45, worker=worker)
    assert len(attempts) == 1 + MAX_RETRIES
    assert type(job.result).__name__ == "OperationalError", repr(job.result)
    assert worker.log().count(f"[{job.id}] retry: Retry in") == MAX_RETRIES
    # Given up for good: the message is acknowledged, nothing waits to run it again.
    broker = redis.Redis.from_url(sender.conf.broker_url)
    wait_for(
        lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0,
        what="the failed job leaves the queue", timeout=10, worker=worker,
    )  # fmt: skip
