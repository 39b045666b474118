"""What has been announced once: deadline reminders per user, threshold and competition."""

from __future__ import annotations
