"""API contract § Bootstrap and § Running: `create-user --password-stdin` and GET /healthz."""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.auth.passwords import verify_password
from kipp.extensions import db
from kipp.models import AuditEvent, User


def invoke(app, *args: str, password: str = "a-long-enough-secret\n"):
    return app.test_cli_runner().invoke(args=list(args), input=password)


def users() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


ADMIN_ARGS = ("create-user", "--email", "Sekretariat@Menpan.go.id", "--name", "Tim Sekretariat")


def test_create_admin_reads_password_from_stdin(app, client):
    result = invoke(app, *ADMIN_ARGS, "--role", "admin", "--password-stdin")
    assert result.exit_code == 0, result.output
    assert "sekretariat@menpan.go.id" in result.output
    assert "a-long-enough-secret" not in result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.role, user.active) == (
        "sekretariat@menpan.go.id",
        "Tim Sekretariat",
        "admin",
        True,
    )
    assert verify_password(user.password_hash, "a-long-enough-secret")
    resp = client.post(
        "/api/v1/auth/tokens",
        json={"email": "sekretariat@menpan.go.id", "password": "a-long-enough-secret"},
    )
    assert resp.status_code == 201
    # Created by "system", on the global audit chain.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert (event.actor, event.chain) == ("system", "global")


def test_only_the_first_line_of_stdin_is_the_password(app):
    result = invoke(
        app, *ADMIN_ARGS, "--role", "admin", "--password-stdin", password="first-line-secret\nx\n"
    )
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(select(User)).password_hash, "first-line-secret")


def test_windows_line_ending_is_not_part_of_the_password(app):
    result = invoke(
        app, *ADMIN_ARGS, "--role", "admin", "--password-stdin", password="crlf-secret-1\r\n"
    )
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(select(User)).password_hash, "crlf-secret-1")


def test_short_password_fails_clearly_and_creates_nothing(app):
    result = invoke(app, *ADMIN_ARGS, "--role", "admin", "--password-stdin", password="short\n")
    assert result.exit_code != 0
    assert "password:" in result.output and "10" in result.output  # names field and rule
    assert "Traceback" not in result.output
    assert users() == 0


def test_empty_stdin_fails(app):
    result = invoke(app, *ADMIN_ARGS, "--role", "admin", "--password-stdin", password="")
    assert result.exit_code != 0
    assert users() == 0


def test_password_stdin_flag_is_required(app):
    result = invoke(app, *ADMIN_ARGS, "--role", "admin")
    assert result.exit_code != 0
    assert "--password-stdin" in result.output
    assert users() == 0


def test_unknown_role_is_refused(app):
    result = invoke(app, *ADMIN_ARGS, "--role", "root", "--password-stdin")
    assert result.exit_code != 0
    assert "root" in result.output
    assert users() == 0


def test_agency_account_needs_an_agency(app, make):
    args = ("create-user", "--email", "lokal@x.id", "--name", "Admin Lokal", "--role", "agency")
    result = invoke(app, *args, "--password-stdin")
    assert result.exit_code != 0
    assert "agency_id" in result.output
    assert users() == 0
    agency = make.agency()
    result = invoke(app, *args, "--agency-id", str(agency.id), "--password-stdin")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).agency_id == agency.id


def test_duplicate_email_is_refused(app):
    assert invoke(app, *ADMIN_ARGS, "--role", "admin", "--password-stdin").exit_code == 0
    result = invoke(app, *ADMIN_ARGS, "--role", "evaluator", "--password-stdin")
    assert result.exit_code != 0
    assert "email:" in result.output  # names the field that clashes
    assert users() == 1
    assert db.session.scalar(select(User)).role == "admin"


# -------------------------------------------------------------------- healthz
def test_healthz_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["db"], body["broker"]) == ("ok", "ok")


def test_healthz_needs_no_login_and_lives_at_the_root(client):
    assert client.get("/api/v1/healthz").status_code == 404


def test_healthz_503_when_the_broker_is_unreachable(app, client):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    resp = client.get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert (body["db"], body["broker"]) == ("ok", "down")
