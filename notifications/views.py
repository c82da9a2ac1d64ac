"""The user's own notifications (the bell) and their email preference."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from notifications import selectors, services
from notifications.models import Preference
from organizations.decorators import role_required
from organizations.tenancy import Actor, Role

ALL_ROLES = tuple(Role)
PAGE_SIZE = 30


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=gettext_lazy("Email"), choices=Preference.Email.choices, widget=forms.RadioSelect
    )


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@role_required(*ALL_ROLES)
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.notification_list_for_actor(actor=_actor(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@role_required(*ALL_ROLES)
def badge(request: HttpRequest) -> HttpResponse:
    """The bell's unread count, fetched by the navbar after the page has loaded."""
    unread = selectors.unread_count(actor=_actor(request))
    return render(request, "notifications/_badge.html", {"unread": unread})


@require_POST
@role_required(*ALL_ROLES)
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.notification_get_for_actor(actor=_actor(request), pk=pk)
    services.notification_mark_read(actor=_actor(request), notification=item)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}):
        return redirect(item.url)
    return redirect("notifications:list")


@require_POST
@role_required(*ALL_ROLES)
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=_actor(request))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@role_required(*ALL_ROLES)
def preferences(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PreferenceForm(
        request.POST or None, initial={"email": selectors.email_choice(actor=actor)}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(actor=actor, email=form.cleaned_data["email"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
