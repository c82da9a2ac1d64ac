"""The resident's rating page: no login, phone-sized, reached by a card or poster QR code.

A standalone template (not the staff base): no Bootstrap or htmx to download on a weak
connection, a few lines of CSS. CSRF stays on: the form is served with its token."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from residents import public
from residents.forms import RatingForm
from residents.tokens import TokenError


def _refused(request: HttpRequest, code: str) -> HttpResponse:
    status, message = public.REFUSALS[code]
    return render(request, "residents/rate_refused.html", {"message": message}, status=status)


def _rate(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    try:
        entry = public.resolve(kind, token)
        if request.method != "POST":
            public.check_unused(entry)
            form = RatingForm(campaign=entry.campaign)
        else:
            form = RatingForm(request.POST, campaign=entry.campaign)
            if form.is_valid():
                suggestion = form.cleaned_data["suggestion"]
                public.submit(request, entry, form.scores(), suggestion)
                return render(request, "residents/rate_thanks.html", {"campaign": entry.campaign})
    except TokenError as exc:
        return _refused(request, exc.code)
    except ValidationError as exc:
        form.add_error(None, list(exc.messages))
    context = {"campaign": entry.campaign, "form": form, "open_link": entry.card is None}
    return render(request, "residents/rate.html", context, status=400 if form.errors else 200)


def rate_card(request: HttpRequest, token: str) -> HttpResponse:
    return _rate(request, "card", token)


def rate_open(request: HttpRequest, token: str) -> HttpResponse:
    return _rate(request, "open", token)


urlpatterns: list[URLPattern] = [
    path("c/<str:token>/", rate_card, name="rate_card"),
    path("o/<str:token>/", rate_open, name="rate_open"),
]
