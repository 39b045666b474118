"""Command-line bootstrap: `flask --app wsgi create-user …`, `flask --app wsgi seed-demo`."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import ROLES


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--agency-id", type=int, default=None)
    @click.option(
        "--password-stdin",
        is_flag=True,
        required=True,
        help="Read the password from one line of standard input.",
    )
    def create_user(email, name, role, agency_id, password_stdin):
        """Create an account (the password never appears on the command line)."""
        from kipp.accounts.services import create_user as create

        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = create(None, email, name, role, password, agency_id)
        except DomainError as exc:
            db.session.rollback()
            details = "; ".join(
                f"{k}: {' '.join(map(str, v))}" for k, v in (exc.errors or {}).items()
            )
            raise click.ClickException(f"{exc.detail} {details}".strip()) from exc
        db.session.commit()
        click.echo(f"created user {user.id} <{user.email}> as {user.role}")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo competition (idempotent) and print the demo logins.

        Refused (exit status 1, nothing written) unless KIPP_ENV=development: the demo
        accounts share a published password."""
        from kipp.demo import seed

        if not current_app.config.get("KIPP_DEV_DEFAULTS"):
            raise click.ClickException(
                "seed-demo only runs with KIPP_ENV=development: it creates accounts whose "
                "password is published. Use create-user for real accounts."
            )

        created = seed()
        db.session.commit()
        click.echo(created)

    # --- mail-notices: send-reminders
    @app.cli.command("send-reminders")
    def send_reminders():
        """Queue the deadline reminders due now (the workers check every
        KIPP_REMINDER_SECONDS); each reminder is queued once per threshold and user."""
        from kipp.mail.reminders import send_due

        queued = send_due()
        db.session.commit()
        click.echo(f"{queued} reminder(s) queued")

    # --- directory
    @app.cli.group("directory")
    def directory_cli():
        """The public innovation directory."""

    @directory_cli.command("reindex")
    def directory_reindex():
        """Rebuild the directory's full-text index and its triggers (after restoring a backup
        or a migration that recreated the entries table on SQLite)."""
        from kipp.directory.index import reindex

        click.echo(f"directory: {reindex()} entries indexed")
        db.session.commit()
