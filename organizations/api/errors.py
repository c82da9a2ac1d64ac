from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError (raised by services) as a 400, and a
    write to something locked (code "scheme_locked" and the like) as a 409 Conflict."""
    if isinstance(exc, DjangoValidationError):
        if getattr(exc, "code", None) and str(exc.code).endswith("_locked"):
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = serializers.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler: under /api/ a URL that matches no route (an id that is not a
    number, say) answers in JSON like every other API error, not with the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, in JSON under /api/ (DRF leaves unhandled exceptions to Django)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.APIException.default_detail)}, status=500)
    return defaults.server_error(request)
