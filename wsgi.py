"""WSGI entry point: `flask --app wsgi run` or `gunicorn wsgi:app`.

The configuration comes from KIPP_ENV: production unless it says `development` explicitly
(`make run` does), so a server without SECRET_KEY and KIPP_CERTIFICATE_KEY refuses to start.
"""

from kipp import create_app, heap

app = create_app()
heap.settle()  # start-up objects out of the collector's scans (see kipp/heap.py)
