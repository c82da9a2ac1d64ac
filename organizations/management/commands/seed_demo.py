from typing import Any

from django.core.management.base import BaseCommand

from alerts.demo import seed_demo_alerts
from interviews.demo import seed_demo_interviews
from organizations.demo import DEMO, DEMO_PASSWORD, NEIGHBOUR, seed_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo tenants. Safe to run again: nothing is duplicated."

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = seed_demo()
        seed_demo_interviews(tenants[0])
        seed_demo_alerts(tenants[0])
        self.stdout.write(self.style.SUCCESS("Kaoping demo data is ready."))
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
