"""Staff pages: campaigns (list, create, live statistics), household cards and the poster,
feeding the assessment. Every campaign is fetched through the actor's scope (404 outside)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Cycle
from organizations.decorators import role_required
from organizations.models import OrgUnit
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from residents import printing, selectors, services
from residents.forms import BatchForm, CampaignForm, default_expiry
from residents.models import Campaign

PAGE_SIZE = 25
MANAGERS = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
READERS = (*MANAGERS, Role.DISTRICT_LEADER, Role.SECRETARY)


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return selectors.campaign_get_for_actor(actor=_actor(request), pk=pk)


def _message(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def _campaign_form(request: HttpRequest) -> CampaignForm:
    actor = _actor(request)
    return CampaignForm(
        request.POST or None,
        cycles=Cycle.objects.for_actor(actor),
        communities=OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.COMMUNITY),
    )


@role_required(*READERS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list_for_actor(actor=_actor(request))
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/campaign_list.html", {"page": page})


@role_required(*MANAGERS)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=_actor(request), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("The campaign is open."))
            return redirect("residents:detail", campaign.pk)
    status = 400 if form.errors else 200
    return render(request, "residents/campaign_form.html", {"form": form}, status=status)


def _poster_url(request: HttpRequest, campaign: Campaign) -> str:
    token = printing.campaign_poster_token(campaign)
    return request.build_absolute_uri(reverse("rate_open", args=[token]))


@role_required(*READERS)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    poster_url = _poster_url(request, campaign)
    context = {
        "campaign": campaign,
        "stats": selectors.campaign_stats(campaign=campaign),
        "batches": selectors.batch_list(campaign=campaign),
        "manages": selectors.may_screen(_actor(request), campaign),
        "batch_form": BatchForm(initial={"count": 100, "expires_on": default_expiry()}),
        "poster_url": poster_url,
        "poster_qr": printing.qr_svg(poster_url, scale=4),
    }
    return render(request, "residents/campaign_detail.html", context)


@role_required(*READERS)
def campaign_stats(request: HttpRequest, pk: int) -> HttpResponse:
    """The live statistics panel alone (the detail page polls it with htmx)."""
    campaign = _campaign(request, pk)
    context = {"campaign": campaign, "stats": selectors.campaign_stats(campaign=campaign)}
    return render(request, "residents/_stats.html", context)


@require_POST
@role_required(*MANAGERS)
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("residents:detail", campaign.pk)
    try:
        services.card_batch_create(actor=_actor(request), campaign=campaign, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("The cards are ready to print."))
    return redirect("residents:detail", campaign.pk)


@role_required(*MANAGERS)
def cards_pdf(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    batch = get_scoped_or_404(selectors.batch_list(campaign=campaign), pk=batch_pk)
    pdf = printing.cards_pdf(
        campaign,
        batch,
        lambda token: request.build_absolute_uri(reverse("rate_card", args=[token])),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cards-{campaign.pk}-{batch.pk}.pdf"'
    return response


@role_required(*MANAGERS)
def poster_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(
        printing.poster_pdf(campaign, _poster_url(request, campaign)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="poster-{campaign.pk}.pdf"'
    return response


@require_POST
@role_required(*MANAGERS)
def feed(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        written = services.campaign_feed_assessment(actor=_actor(request), campaign=campaign)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request, _("%(n)s resident-rating scores written to the assessment.") % {"n": written}
        )
    return redirect("residents:detail", campaign.pk)


urlpatterns: list[URLPattern] = [
    path("", campaign_list, name="list"),
    path("new/", campaign_create, name="create"),
    path("<int:pk>/", campaign_detail, name="detail"),
    path("<int:pk>/stats/", campaign_stats, name="stats"),
    path("<int:pk>/cards/", batch_create, name="batch_create"),
    path("<int:pk>/cards/<int:batch_pk>.pdf", cards_pdf, name="cards_pdf"),
    path("<int:pk>/poster.pdf", poster_pdf, name="poster_pdf"),
    path("<int:pk>/feed/", feed, name="feed"),
]
