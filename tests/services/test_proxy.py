"""The client address behind trusted proxies (login throttling counts per address)."""

from kipp import create_app


def test_forwarded_address_is_used_only_behind_configured_proxies(app):
    seen = {}

    def remember():
        from flask import request

        seen["ip"] = request.remote_addr

    for hops, expected in ((0, "10.0.0.9"), (1, "203.0.113.7")):
        web = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            KIPP_STORAGE_DIR=app.config["KIPP_STORAGE_DIR"],
            KIPP_PROXY_HOPS=hops,
        )
        web.before_request(remember)
        web.test_client().get(
            "/login",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert seen["ip"] == expected
