from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
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
