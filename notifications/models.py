"""In-app notifications (the bell) and each user's choice of email delivery."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import Actor, TenantOwned


class Notification(TenantOwned):
    """One message to one user. Idempotent per (recipient, verb, url, day): a job that runs
    twice in a day does not notify twice."""

    recipient = models.ForeignKey(
        "organizations.User", on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "verb", "url", "day"], name="notification_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        # Notifications are personal: even a tenant admin sees only their own.
        return Q(recipient_id=actor.user_id)

    def __str__(self) -> str:
        return self.title


class Preference(TenantOwned):
    """How a user wants notifications by email: at once, in a daily digest, or not at all."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("Each one at once")
        DIGEST = "digest", _("One daily digest")
        NONE = "none", _("No email")

    user = models.OneToOneField(
        "organizations.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("email"), max_length=20, choices=Email.choices, default=Email.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        return Q(user_id=actor.user_id)
