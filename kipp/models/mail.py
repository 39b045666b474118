"""The mail outbox: every mail is a row first, sent afterwards by the workers."""

from __future__ import annotations
