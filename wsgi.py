"""WSGI entry point: `flask --app wsgi run` or `gunicorn wsgi:app`."""

from kipp import create_app, heap

app = create_app()
heap.settle()  # start-up objects out of the collector's scans (see kipp/heap.py)
