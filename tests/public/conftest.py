import pytest

from tests.public.fixtures import public_world


@pytest.fixture
def pw(make):
    """The public world (tests/public/fixtures.py)."""
    return public_world(make)
