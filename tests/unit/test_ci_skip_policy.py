"""With CI=true a skipped test fails the run unless its reason is an allowed one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import pytest

def test_skipped_for_a_missing_tool():
    pytest.skip("Debian chromium is not installed")

def test_skipped_on_sqlite():
    pytest.skip("needs PostgreSQL: SQLite serialises writers")

@pytest.mark.skipif(True, reason="CI machines only")
def test_skipped_by_a_marker():
    pass
"""


def run_probe(tmp_path, **env) -> str:
    (tmp_path / "test_probe.py").write_text(PROBE)
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL")}
    cmd = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    cmd += ["-p", "no:randomly", "-c", os.devnull, "--rootdir", str(tmp_path), "-rs"]
    proc = subprocess.run(
        [*cmd, str(tmp_path / "test_probe.py")],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.stdout + proc.stderr


def test_unexpected_skips_fail_in_ci(tmp_path):
    out = run_probe(tmp_path, CI="true")
    assert "1 failed, 1 skipped, 1 error" in out, out  # a setup-time skip errors
    assert "unexpected skip with CI=true: Skipped: Debian chromium is not installed" in out
    assert "SKIPPED [1]" in out and "needs PostgreSQL" in out


def test_the_postgresql_pass_allows_no_skip(tmp_path):
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/kipp_test_unused"
    out = run_probe(tmp_path, CI="true", DATABASE_URL=url)
    assert "2 failed, 1 error" in out, out


def test_outside_ci_skips_stay_skips(tmp_path):
    out = run_probe(tmp_path)
    assert "3 skipped" in out, out
