"""One row of every warning and notification model for a tenant (see tests/populate.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from alerts.models import Alert, Escalation, Incident, ThresholdSet
from notifications.models import Notification, Preference
from organizations.models import User


def alert_rows(
    tenant_id: int, assessment: Any, rectification: Any, admin: User, secretary: User
) -> dict[str, Any]:
    community, street = assessment.community, assessment.street
    place = {"tenant_id": tenant_id, "community": community, "street": street}
    incident = Incident.objects.create(
        **place,
        kind=Incident.Kind.FOOD_SAFETY,
        title="食堂食物中毒",
        occurred_on=dt.date(2026, 8, 1),
        reported_by=admin,
    )
    alert = Alert.objects.create(
        **place, rule="low_total", level="red", period="2026Q3", assessment=assessment,
        first_seen_on=dt.date(2026, 10, 1), last_seen_on=dt.date(2026, 10, 1), facts={"total": "55.00"},
        evidence=ContentFile(b"%PDF-1.4", name="handled.pdf"),
    )  # fmt: skip
    return {
        "thresholds": ThresholdSet.objects.create(tenant_id=tenant_id),
        "incident": incident,
        "alert": alert,
        "escalation": Escalation.objects.create(**place, period="2026Q3", quarters=3),
        "notification": Notification.objects.create(
            tenant_id=tenant_id,
            recipient=secretary,
            verb="probe",
            title="预警",
            day=dt.date(2026, 10, 1),
        ),
        "admin_notification": Notification.objects.create(
            tenant_id=tenant_id,
            recipient=admin,
            verb="probe",
            title="预警",
            day=dt.date(2026, 10, 1),
        ),
        "preference": Preference.objects.create(tenant_id=tenant_id, user=secretary),
    }
