"""The OpenAPI schema's error answers.

drf-spectacular documents the success response of each operation. The API answers errors
in two shapes, always the same way (DRF's handler and ours in organizations.api.errors), so
they are added here for every operation that can give them, from what the operation has:

- 400 with the refused fields and their messages: an operation with a body or a query, and
  every write (a service refuses a step the state does not allow: a second draft, ...);
- 403 with a detail: an operation that needs a signed-in user (DRF answers 403, not 401,
  when no one is signed in: session authentication comes first and sends no challenge);
- 404 with a detail: an object in the path (missing and out of scope alike, or an id that
  is not a number: organizations.api.errors.not_found), or a page past the end of a list;
- 409 with a detail: a write to a view that declares ``locked_writes`` (a published scheme);
- 415 with a detail: a body in a media type the operation does not read.

An operation's own declaration of a code (e.g. a stale score entry's 409) is kept.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers


class ErrorDetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


VALIDATION_ERROR = {
    "description": "What was refused: each field with its messages (a nested object for a "
    "nested field), or the messages alone.",
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ],
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, schema, description in self._errors(operation):
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": schema}}, "description": description},
            )
        return operation

    def _errors(self, operation: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
        parameters = operation.get("parameters", [])
        query = [p for p in parameters if p["in"] == "query"]
        in_path = [p for p in parameters if p["in"] == "path"]
        body = "requestBody" in operation
        signed_in = {} not in operation.get("security", [{}])
        unsafe = self.method not in permissions.SAFE_METHODS
        writes = unsafe and getattr(self.view, "action", None) not in getattr(
            self.view, "read_actions", ()
        )
        detail = self.resolve_serializer(ErrorDetailSerializer(), "response").ref
        errors = []
        if query or body or unsafe:
            errors.append(("400", self._validation_error(), "The request was refused."))
        if signed_in:
            errors.append(("403", detail, "Not signed in, or not allowed to do this."))
        if in_path or any(p["name"] == "page" for p in query):
            errors.append(("404", detail, "No such object in your scope, or no such page."))
        if writes and getattr(self.view, "locked_writes", False):
            errors.append(("409", detail, "The object is locked (e.g. a published version)."))
        if body:
            errors.append(
                ("415", detail, "The body is in a media type this operation does not read.")
            )
        return errors

    def _validation_error(self) -> dict[str, Any]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="ValidationError",
            type=ResolvedComponent.SCHEMA,
            schema=VALIDATION_ERROR,
            object="ValidationError",
        )
        self.registry.register_on_missing(component)
        return component.ref  # type: ignore[no-any-return]
