"""Response schemas of publication, objections, amendments and decrees (API v1.1 § Publication
and objections). They describe the bodies built in `kipp.api.publication` and never change them.
"""

from __future__ import annotations

from marshmallow import fields, validate

from kipp.api.responses_base import CODES, PROBLEM, Int, Items, Listed, Out, Problem, Str, Time, req
from kipp.models.publication import OBJECTION_STATUSES
from kipp.publication.queries import PUBLIC_STATUSES


class PublicationDecreeOut(Out):
    number = Str()
    signed_on = Str()
    file_sha256 = Str(allow_none=True)


class PublicationAmendmentOut(Out):
    removed = req(fields.List(fields.Integer()))
    added = req(fields.List(fields.Integer()))
    at = Time()
    snapshot_sha256 = Str()


class PublicationOut(Out):
    """A final selection's publication state: window, amendments and decree."""

    id = Int()
    competition_id = Int()
    tier = Str()
    status = Str()
    published_at = Time()
    objection_closes_at = Time()
    public_status = Str(allow_none=True, validate=validate.OneOf((*PUBLIC_STATUSES, None)))
    snapshot_sha256 = Str(allow_none=True)
    listed = req(fields.List(fields.Integer()))
    disqualified = req(fields.List(fields.Integer()))
    amendments = Items(PublicationAmendmentOut)
    decree = req(fields.Nested(PublicationDecreeOut, allow_none=True))


class ObjectionFullOut(Out):
    """An objection as the secretariat and the chair read it (with the objector's data)."""

    id = Int()
    reference = Str()
    entry_id = Int()
    name = Str()
    email = Str()
    statement = Str()
    status = Str(validate=validate.OneOf(OBJECTION_STATUSES))
    answer = Str(allow_none=True)
    decided_at = Time()


class ObjectionFullList(Listed):
    items = Items(ObjectionFullOut)


class ObjectionReceivedOut(Out):
    reference = Str()
    status = Str(validate=validate.OneOf(("received",)))


class ObjectionRegisterOut(Out):
    """An objection in the public register: never the objector's name, e-mail or statement."""

    reference = Str()
    entry_id = Int()
    status = Str(validate=validate.OneOf(OBJECTION_STATUSES))
    answer = Str(allow_none=True)
    decided_at = Time()


class ObjectionRegisterList(Listed):
    items = Items(ObjectionRegisterOut)


class ObjectionProblem409(Problem):
    """409 of the objection form: the window is closed, or a code of the shared table."""

    status = Int(validate=validate.OneOf((409,)))
    code = Str(validate=validate.OneOf((*CODES[409], "objection_window_closed")))


OBJECTION_409 = {
    "409": {"description": "Problem", "content": {PROBLEM: {"schema": ObjectionProblem409}}}
}

DECREE_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}
