"""The building blocks of /api/v1's documented answers (see `kipp.api.responses`).

`Out` is a documented body whose `dump` hands the body back unchanged: the serializers build
bodies, these schemas describe them. Problems: every 4xx is `application/problem+json`
(`kipp.errors.problem`): `type`, `title`, `status` (the HTTP status, an integer), `code` (a
machine code of the contract's table), `detail`, `errors` (field → messages, for 422) and extra
members such as `tied` or `blockers`.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from kipp.models import ATTACHMENT_KINDS

PROBLEM = "application/problem+json"
PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"type": "string", "format": "binary"}
# The multipart body of POST /entries/{entry_id}/attachments (read from the form, not webargs).
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "kind"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "kind": {
                        "type": "string",
                        "enum": list(ATTACHMENT_KINDS),
                    },
                },
            }
        }
    },
}


class Out(Schema):
    """A documented body. `dump` returns the body unchanged: the serializers build it."""

    def dump(self, obj, *, many=None):
        return obj


def req(field: fields.Field) -> fields.Field:
    """`field`, always present in the body."""
    field.required = True
    return field


def Int(**kw) -> fields.Field:  # noqa: N802  (reads like a field class)
    return req(fields.Integer(**kw))


def Str(**kw) -> fields.Field:  # noqa: N802
    return req(fields.String(**kw))


def Bool(**kw) -> fields.Field:  # noqa: N802
    return req(fields.Boolean(**kw))


def Num(**kw) -> fields.Field:  # noqa: N802
    return req(fields.Float(**kw))


def Time(**kw) -> fields.Field:  # noqa: N802  (ISO 8601 with offset, or null)
    return req(fields.DateTime(allow_none=True, **kw))


def Items(schema, **kw) -> fields.Field:  # noqa: N802
    return req(fields.List(fields.Nested(schema), **kw))


class Listed(Out):
    """`{"items", "total"}` of a list that is not paged."""

    total = Int()


class Paged(Listed):
    """`{"items", "total", "page", "per_page"}` (`serializers.page`)."""

    page = Int()
    per_page = Int()


# ----------------------------------------------------------------- problem+json
# Machine codes by status (the contract's table; `conflict` is a duplicate name or conflict
# already declared, 400 an unreadable body).
CODES: dict[int, tuple[str, ...]] = {
    400: ("validation_error",),
    401: ("unauthenticated",),
    403: ("forbidden",),
    404: ("not_found",),
    409: (
        "invalid_stage",
        "deadline_passed",
        "quota_exceeded",
        "conflict_of_interest",
        "capacity_insufficient",
        "locked",
        "stale_version",
        "tie_at_cut",
        "conflict",
    ),
    413: ("payload_too_large",),
    415: ("unsupported_media_type",),
    422: ("validation_error", "incomplete", "justification_required", "invalid_token"),
    429: ("rate_limited",),
}


class Problem(Out):
    """An RFC 9457 problem; extra members (e.g. `tied`, `places_left`, `blockers`) allowed."""

    class Meta:
        unknown = INCLUDE

    type = Str()
    title = Str()
    status = Int()
    code = Str()
    detail = Str()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


def _problem_schema(status: int) -> type[Problem]:
    return type(
        f"Problem{status}",
        (Problem,),
        {
            "status": Int(validate=validate.OneOf((status,))),
            "code": Str(validate=validate.OneOf(CODES[status])),
        },
    )


PROBLEM_SCHEMAS = {status: _problem_schema(status) for status in CODES}


def problem_response(status: int) -> str:
    """The name of the response component for a problem of `status`."""
    return f"Problem{status}"


def problems(*statuses: int) -> dict:
    """`@blp.doc(responses=problems(403, 409))`: problem+json answers an operation gives beyond
    those `OpenApiPlugin` documents for every operation (401; 404 with path parameters; 400,
    413 and 422 with a body; 403 for writes, which a browser session must CSRF-protect)."""
    return {str(status): problem_response(status) for status in statuses}
