"""`flask --app wsgi storage check`: see `kipp.storage.check`."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.group("storage")
    def storage_cli():
        """The file store (local directory or S3)."""

    @storage_cli.command("check")
    def storage_check():
        """Check that every recorded file is in the store with its recorded SHA-256; list files
        no row names. Exit status 1 when a file is missing or altered."""
        from kipp.storage import backend
        from kipp.storage.check import check

        checked, findings = check()
        for finding in findings:
            click.echo(f"{finding.problem}: {finding.key} ({finding.what})")
        broken = [f for f in findings if f.problem != "unreferenced"]
        click.echo(
            f"storage ({backend().name}): {checked} file(s) checked, {len(broken)} problem(s), "
            f"{len(findings) - len(broken)} unreferenced"
        )
        if broken:
            raise SystemExit(1)
