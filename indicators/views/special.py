"""Special indicators (特色指标): a community picks from the pool or proposes its own; an
assessor of its street decides on proposals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from indicators import selectors, services
from indicators.models import Indicator, SpecialIndicatorChoice
from indicators.views.common import ALL_ROLES, _actor, _scheme
from organizations.decorators import role_required
from organizations.models import OrgUnit
from organizations.selectors import get_scoped_or_404, unit_list_for_actor
from organizations.tenancy import Role


class ProposalForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Proposed indicator"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What it measures"), widget=forms.Textarea(attrs={"rows": 3})
    )
    max_points = forms.DecimalField(
        label=gettext_lazy("Max points"), min_value=0.01, max_digits=9, decimal_places=2
    )


def _page_url(scheme_pk: int, community: OrgUnit) -> str:
    return f"{reverse('indicators:special', args=[scheme_pk])}?community={community.pk}"


def _act(request: HttpRequest, scheme: Any, community: OrgUnit, proposal: ProposalForm) -> bool:
    """Carry out the posted action; True when it succeeded (then the page redirects)."""
    actor = _actor(request)
    action = request.POST.get("action")
    try:
        if action == "pick":
            indicator = get_scoped_or_404(
                Indicator.objects.for_actor(actor), pk=request.POST.get("indicator")
            )
            services.special_choice_pick(
                actor=actor, scheme=scheme, community=community, indicator=indicator
            )
        elif action == "propose":
            if not proposal.is_valid():
                return False
            data = proposal.cleaned_data
            services.special_choice_propose(
                actor=actor, scheme=scheme, community=community, name=data["name"],
                description=data["description"], max_points=data["max_points"],
            )  # fmt: skip
        elif action in ("approve", "reject"):
            choice = get_scoped_or_404(
                selectors.special_choices_for_actor(actor=actor, scheme=scheme),
                pk=request.POST.get("choice"),
            )
            scored_as = None
            if action == "approve" and request.POST.get("scored_as"):
                scored_as = get_scoped_or_404(
                    Indicator.objects.for_actor(actor).filter(scheme=scheme),
                    pk=request.POST.get("scored_as"),
                )
            services.special_choice_decide(
                actor=actor, choice=choice, approve=action == "approve", scored_as=scored_as
            )
        else:
            messages.error(request, _("Unknown action."))
            return False
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, message)
        return False
    messages.success(request, _("Saved."))
    return True


@role_required(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def special_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    scheme = _scheme(request, pk)
    communities = unit_list_for_actor(actor=actor, kind=OrgUnit.Kind.COMMUNITY).order_by("name")
    community = (
        communities.filter(pk=request.GET.get("community") or 0).first() or communities.first()
    )
    proposal = ProposalForm(request.POST if request.POST.get("action") == "propose" else None)
    if (
        request.method == "POST"
        and community is not None
        and _act(request, scheme, community, proposal)
    ):
        return redirect(_page_url(scheme.pk, community))
    choices = list(
        selectors.special_choices_for_actor(actor=actor, scheme=scheme).filter(community=community)
    )
    chosen_ids = {c.indicator_id for c in choices if c.indicator_id}
    pool = (
        Indicator.objects.for_actor(actor)
        .filter(scheme=scheme, in_special_pool=True)
        .order_by("order", "pk")
    )
    counted = [c for c in choices if c.status != SpecialIndicatorChoice.Status.REJECTED]
    context = {
        "scheme": scheme,
        "communities": communities,
        "community": community,
        "pool": [(i, i.pk in chosen_ids) for i in pool],
        "choices": choices,
        "counted": len(counted),
        "proposal": proposal,
        "may_decide": actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR),
        "may_choose": actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR, Role.SECRETARY),
    }
    return render(request, "indicators/special.html", context)


@role_required(Role.TENANT_ADMIN, Role.STREET_ASSESSOR, Role.SECRETARY)
@require_http_methods(["GET", "POST"])
def special_withdraw(request: HttpRequest, pk: int, choice: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws the pick or proposal."""
    actor = _actor(request)
    scheme = _scheme(request, pk)
    item = get_scoped_or_404(
        selectors.special_choices_for_actor(actor=actor, scheme=scheme), pk=choice
    )
    if request.method == "POST":
        try:
            services.special_choice_withdraw(actor=actor, choice=item)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            )
        else:
            messages.success(request, _("Withdrawn."))
        return redirect(_page_url(scheme.pk, item.community))
    return render(request, "indicators/special_withdraw.html", {"scheme": scheme, "choice": item})
