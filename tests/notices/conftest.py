import pytest


@pytest.fixture(autouse=True)
def _public_base(app):
    """Mail links start with KIPP_PUBLIC_BASE_URL; pin it whatever the environment says."""
    app.config["KIPP_PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
