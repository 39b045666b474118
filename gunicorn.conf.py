"""gunicorn's settings for KIPP, read from the working directory (`gunicorn wsgi:app`).

Only what differs from gunicorn's defaults and matters to the API's contract:
- `limit_request_line`: gunicorn's maximum (8,190 bytes, as nginx's default 8 KB buffer). The
  longest URL a client can build with every query value inside its documented bounds (4-byte
  characters, percent-encoded) is about 5,000 bytes, so no valid request is refused for its
  length; a longer line is answered 414 by gunicorn itself, as /api/v1/openapi.json says.
"""

limit_request_line = 8190
