from typing import Any

from django.core.management.base import BaseCommand

from alerts.demo import seed_demo_alerts
from assessments import demo as assessments_demo
from indicators.demo import seed_demo_schemes
from interviews.demo import seed_demo_interviews
from organizations.demo import DEMO, DEMO_PASSWORD, NEIGHBOUR, one_job_each, seed_demo
from organizations.rls import tenant_context
from reports.demo import seed_demo_reports
from residents import demo as residents_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo tenants. Safe to run again: nothing is duplicated."

    def handle(self, *args: Any, **options: Any) -> None:
        demo, neighbour = seed_demo()
        # One transaction, so that the background jobs the services queue after each write
        # (recompute a cycle, evaluate the warnings) run once each when it commits. In this
        # order: the ratings feed the scored quarters before they are published, and the
        # warnings are evaluated over everything.
        with tenant_context(demo.pk), one_job_each():
            made = [
                seed_demo_interviews(demo),
                seed_demo_schemes(demo, neighbour),
                assessments_demo.seed_demo_scoring(demo),
                assessments_demo.seed_demo_neighbour(neighbour),
                residents_demo.seed_demo_ratings(demo),
                assessments_demo.seed_demo_results(demo),
            ]
            warnings = seed_demo_alerts(demo, evaluate=any(made))
        # After the commit and the jobs it ran: a recomputed result is a new input to a PDF.
        reports = seed_demo_reports(demo)
        self.stdout.write(self.style.SUCCESS("Kaoping demo data is ready."))
        self._contents(demo, warnings, reports)
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        self.stdout.write(f"Tenant {DEMO.name} ({DEMO.code}):")
        for username, full_name, role, unit in DEMO.staff:
            scope = f" [{unit}]" if unit else ""
            self.stdout.write(f"  {role.label:<28} {username:<24} {full_name}{scope}")
        first = DEMO.streets[0].communities[0]
        others = sum(len(street.communities) for street in DEMO.streets) - 1
        self.stdout.write(
            f"  {'Community secretary':<28} {first.secretary:<24} {first.secretary_name} "
            f"(and sec-<community> for the other {others})"
        )
        self.stdout.write(f"Tenant {NEIGHBOUR.name} ({NEIGHBOUR.code}), to see isolation:")
        for username, full_name, role, _unit in NEIGHBOUR.staff:
            self.stdout.write(f"  {role.label:<28} {username:<24} {full_name}")

    def _contents(self, demo: Any, warnings: int, reports: int) -> None:
        with tenant_context(demo.pk):
            a = assessments_demo.demo_counts(demo)
            r = residents_demo.demo_counts(demo)
        self.stdout.write(
            f"{DEMO.name}: a published scheme (基础40/发展30/特色30); {a['cycles']} cycles (three "
            f"published quarters, today's being scored, the annual evaluation); "
            f"{a['assessments']} assessments, {a['published']} results published; "
            f"{a['appeals']} appeal, {a['vetoes']} veto, {a['rectifications']} rectifications; "
            f"{r['campaigns']} rating campaigns with {r['responses']} responses "
            f"({r['waiting']} suggestions to screen); {warnings} open warnings; {reports} PDF "
            f"reports built."
        )
