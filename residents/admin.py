from django.contrib import admin

from organizations.admin_base import TenantScopedAdmin
from residents.models import RatingSettings


@admin.register(RatingSettings)
class RatingSettingsAdmin(TenantScopedAdmin):
    """A tenant's questionnaire, minimum responses, open-link limit and paradox thresholds."""

    list_display = ["min_responses", "open_limit", "paradox_satisfaction", "paradox_complaints"]
