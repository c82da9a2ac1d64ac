from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from organizations.demo import DEMO_PASSWORD
from organizations.scale import seed_scale

# The big tables are vacuumed (for index-only scans) and every table analysed once the build
# has committed, so the planner knows their sizes even where autovacuum is off.
VACUUMED = (
    "assessments_scoreentry", "assessments_assessment", "assessments_result",
    "residents_answer", "residents_response", "residents_usedcard", "interviews_talk",
    "alerts_alert", "audit_auditrecord", "organizations_orgunit",
)  # fmt: skip


class Command(BaseCommand):
    help = (
        "Build a city-sized tenant for performance work: N communities (30 to a street) "
        "scored for a year of quarterly cycles, with resident ratings, talks, "
        "rectifications, warnings and audit records. Does nothing if the tenant exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--communities", type=int, default=3655)
        parser.add_argument("--code", default="scale", help="the tenant's code (default: scale)")
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument(
            "--responses", type=int, default=36, help="rating responses per campaign"
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="the password of every seeded login (default: the demo password)",
        )
        parser.add_argument("--per-street", type=int, default=30, help="communities per street")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["communities"] < 1 or options["per_street"] < 1:
            raise CommandError("--communities and --per-street must be at least 1.")
        seeded = seed_scale(
            communities=options["communities"], code=options["code"], year=options["year"],
            password=options["password"], responses=options["responses"], seed=options["seed"],
            per_street=options["per_street"],
            log=lambda message: self.stdout.write(f"  {message}"),
        )  # fmt: skip
        if not seeded.created:
            self.stdout.write(f"Tenant {options['code']} is already there; nothing to do.")
            return
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for table in VACUUMED:
                    cursor.execute(f"VACUUM {table}")
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Built in {seeded.seconds:.0f} s:"))
        for label, count in seeded.counts.items():
            self.stdout.write(f"  {label:<16} {count:>10,}")
        code = options["code"]
        self.stdout.write(
            f"Logins (password {options['password']!r}): {code}-admin, {code}-leader, "
            f"{code}-assessor-<street>, {code}-expert-<n>, {code}-sec-<community>"
        )
