"""/auth, /agencies, /users: tokens, agencies, users and conflicts."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from kipp.accounts import queries
from kipp.accounts import services as accounts
from kipp.api import serializers as out
from kipp.api.account_links import NewUserIn
from kipp.api.auth import caller, require, visible_or_404
from kipp.api.responses import AgencyOut, AgencyPage, ConflictOut, TokenOut, UserOut, UserPage
from kipp.api.responses_base import problems
from kipp.api.schemas import AgencyIn, ConflictIn, PageArgs, TokenIn, UserPatch
from kipp.auth.services import authenticate, issue_token, revoke_token
from kipp.clock import local
from kipp.competitions.services import check_version
from kipp.extensions import db
from kipp.models import Agency, User
from kipp.permissions import can_manage_accounts

blp = Blueprint(
    "api_accounts",
    __name__,
    url_prefix="/api/v1",
    description="Authentication, agencies, users and conflicts",
)


@blp.post("/auth/tokens")
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
@blp.doc(responses=problems(429))
def create_token(data):
    """Exchange e-mail and password for a bearer token (12 h). Throttled: 429 rate_limited."""
    user = authenticate(data["email"], data["password"], request.remote_addr or "?")
    token, row = issue_token(user)
    body = {"token": token, "expires_at": local(row.expires_at).isoformat()}  # no re-read
    db.session.commit()
    return body


@blp.delete("/auth/tokens/current")
@blp.response(204)
def delete_token():
    user = caller()
    if g.api_token is not None:
        revoke_token(user, g.api_token)
        db.session.commit()
    return ""


@blp.post("/agencies")
@blp.arguments(AgencyIn)
@blp.response(201, AgencyOut)
@blp.doc(responses=problems(409))
def create_agency(data):
    actor = require(can_manage_accounts)
    agency = accounts.create_agency(actor, **data)
    db.session.commit()
    return out.agency(agency)


@blp.get("/agencies")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AgencyPage)
def list_agencies(args):
    caller()
    return out.page(queries.agencies_query(), args["page"], args["per_page"], out.agency)


@blp.get("/agencies/<int:agency_id>")
@blp.response(200, AgencyOut)
def get_agency(agency_id):
    caller()
    return out.agency(visible_or_404(db.session.get(Agency, agency_id), True))


@blp.post("/users")
@blp.arguments(NewUserIn)
@blp.response(201, UserOut)
@blp.doc(responses=problems(409))
def create_user(data):
    """Create an account; without `password` the person is mailed an invitation (72 h)."""
    actor = require(can_manage_accounts)
    user = accounts.create_user(actor, **data)
    db.session.commit()
    return out.user(user)


@blp.get("/users")
@blp.arguments(PageArgs, location="query")
@blp.response(200, UserPage)
@blp.doc(responses=problems(403))
def list_users(args):
    require(can_manage_accounts)
    query = queries.users_query(by="id")
    return out.page(query, args["page"], args["per_page"], out.user)


@blp.get("/users/me")
@blp.response(200, UserOut)
def me():
    return out.user(caller())


def _user_for_admin(user_id: int) -> User:
    actor = caller()
    user = db.session.get(User, user_id)
    # Non-admins may see only themselves; anything else is invisible to them.
    return visible_or_404(user, actor.role == "admin" or actor.id == user_id)


@blp.get("/users/<int:user_id>")
@blp.response(200, UserOut)
def get_user(user_id):
    return out.user(_user_for_admin(user_id))


@blp.patch("/users/<int:user_id>")
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
@blp.doc(responses=problems(409))
def patch_user(data, user_id):
    user = _user_for_admin(user_id)
    actor = require(can_manage_accounts)
    check_version(user, data.pop("version", None))
    accounts.update_user(actor, user, data)
    db.session.commit()
    return out.user(user)


@blp.post("/users/<int:user_id>/conflicts")
@blp.arguments(ConflictIn)
@blp.response(201, ConflictOut)
@blp.doc(responses=problems(409))
def add_conflict(data, user_id):
    user = _user_for_admin(user_id)
    actor = require(can_manage_accounts)
    conflict = accounts.add_conflict(actor, user, data["agency_id"], data["reason"])
    db.session.commit()
    return {
        "id": conflict.id,
        "user_id": user.id,
        "agency_id": conflict.agency_id,
        "reason": conflict.reason,
        "removed_assignments": conflict.removed_assignments,
        "conflicted_assignments": conflict.conflicted_assignments,
    }
