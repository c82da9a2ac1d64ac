from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import forms, selectors, services
from organizations.decorators import role_required
from organizations.tenancy import Role

STAFF = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)
PAGE_SIZE = 25


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    roles = [Role(role).label for role in sorted(actor.roles)] if actor else []
    return render(request, "home.html", {"actor_roles": roles})


# Org tree --------------------------------------------------------------------------------


@role_required(*STAFF)
@require_GET
def org_tree(request: HttpRequest) -> HttpResponse:
    """The tree, ten streets to a page; with a search, the matching units as a list."""
    actor = request.actor  # type: ignore[attr-defined]
    search = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {"q": search, "can_edit": actor.has_role(Role.TENANT_ADMIN)}
    if search:
        found = selectors.unit_search_for_actor(actor=actor, search=search)
        context["page"] = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        context["page"], context["tree"] = selectors.unit_tree_page_for_actor(
            actor=actor, page=request.GET.get("page")
        )
        context["per_page"] = selectors.ORG_TREE_STREETS_PER_PAGE
    return render(request, "organizations/org_tree.html", context)


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = forms.UnitCreateForm(request.POST or None, actor=actor, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("organizations:tree")
    return render(request, "organizations/unit_form.html", {"form": form, "title": _("Add a unit")})


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    unit = selectors.unit_get_for_actor(actor=actor, pk=pk)
    initial = {f: getattr(unit, f) for f in ("name", "code", "community_type", "is_active")}
    form = forms.UnitUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=actor, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": unit.name})
            return redirect("organizations:tree")
    return render(
        request,
        "organizations/unit_form.html",
        {"form": form, "unit": unit, "title": _("Edit unit")},
    )


# Users and roles -------------------------------------------------------------------------


@role_required(Role.TENANT_ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    users = selectors.user_list_for_actor(actor=request.actor, search=search)  # type: ignore[attr-defined]
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organizations/user_list.html", {"page": page, "q": search})


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.actor, **form.cleaned_data)  # type: ignore[attr-defined]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("User %(name)s was created. Now give them a role.") % {"name": user}
            )
            return redirect("organizations:user_detail", pk=user.pk)
    return render(request, "organizations/user_form.html", {"form": form})


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    user = selectors.user_get_for_actor(actor=actor, pk=pk)
    form = forms.MembershipForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(actor=actor, user=user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("organizations:user_detail", pk=user.pk)
    return render(request, "organizations/user_detail.html", {"subject": user, "form": form})


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    actor = request.actor  # type: ignore[attr-defined]
    membership = selectors.membership_get_for_actor(actor=actor, pk=pk)
    if request.method == "POST":
        try:
            services.membership_revoke(actor=actor, membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The role was removed."))
        return redirect("organizations:user_detail", pk=membership.user_id)
    return render(
        request, "organizations/membership_confirm_revoke.html", {"membership": membership}
    )


@role_required(Role.TENANT_ADMIN)
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    user = selectors.user_get_for_actor(actor=actor, pk=pk)
    try:
        services.user_set_active(
            actor=actor, user=user, is_active=request.POST.get("is_active") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organizations:user_detail", pk=user.pk)
