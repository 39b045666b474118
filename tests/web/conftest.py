"""Fixtures of the permission matrices' feature modules (see tests/web/matrix_extensions.py)."""

from tests.web import matrix_extensions

globals().update(matrix_extensions.fixtures())
