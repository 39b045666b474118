"""Celery worker side: `celery -A workers.celery_app worker` (entry) and thin tasks."""
