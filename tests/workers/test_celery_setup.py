"""Celery wiring: configuration from the Flask config, the SQLite broker's pitfalls, tasks in
the app context and renderer warm-up."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from kombu.transport.sqlalchemy import Transport

from kipp.documents.celery_app_factory import init_celery


def bare_app(broker: str, **config) -> Flask:
    app = Flask("kipp_test_bare")
    app.config.update(CELERY_BROKER_URL=broker, **config)
    return app


def test_configuration_comes_from_the_flask_config(tmp_path, monkeypatch):
    monkeypatch.setattr(Transport, "polling_interval", 1.0)
    broker_file = tmp_path / "deep" / "dir" / "broker.sqlite3"
    app = bare_app(f"sqla+sqlite:///{broker_file}", CELERY_QUEUE="docs")
    celery = init_celery(app)
    assert init_celery(app) is celery is app.extensions["celery"]  # once per Flask app
    conf = celery.conf
    assert conf.broker_url == f"sqla+sqlite:///{broker_file}"
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
    assert (conf.task_ignore_result, conf.result_backend) == (True, None)
    assert conf.task_default_queue == "docs"
    # kombu hands every broker_transport_options key to create_engine(): the interval is set
    # on the transport class instead, and the broker file's directory exists.
    assert not conf.broker_transport_options
    assert Transport.polling_interval == 0.1
    assert broker_file.parent.is_dir()


def test_redis_broker_leaves_the_sqlalchemy_transport_alone(monkeypatch):
    monkeypatch.setattr(Transport, "polling_interval", 1.0)
    celery = init_celery(bare_app("redis://127.0.0.1:6379/0"))
    assert celery.conf.broker_url == "redis://127.0.0.1:6379/0"
    assert Transport.polling_interval == 1.0


def test_settings_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("KIPP_DOCUMENT_LEASE_SECONDS", "7.5")
    monkeypatch.setenv("KIPP_CELERY_QUEUE", "from-env")
    app = bare_app("redis://127.0.0.1:6379/0", KIPP_RECONCILE_SECONDS=3.0)
    init_celery(app)
    assert app.config["KIPP_DOCUMENT_LEASE_SECONDS"] == 7.5
    assert app.config["CELERY_QUEUE"] == "from-env"
    assert app.config["KIPP_RECONCILE_SECONDS"] == 3.0  # the Flask config wins
    assert app.config["KIPP_DOCUMENT_PATIENCE_SECONDS"] == 60.0


def test_tasks_run_inside_the_app_context():
    app = bare_app("redis://127.0.0.1:6379/0", MARK="this app")
    celery = init_celery(app)

    @celery.task(name="kipp_test.where_am_i")
    def where_am_i():
        return current_app.config["MARK"]

    assert where_am_i() == "this app"


def test_warm_up_warns_when_pdfs_would_be_slow(monkeypatch, caplog):
    from kipp.documents import render
    from workers.documents import warm_renderer

    calls = []
    monkeypatch.setattr(render, "warm_up", lambda: calls.append("warm") or "slow")
    monkeypatch.setattr(render, "pdf_speed", lambda: "slow")
    with caplog.at_level(logging.WARNING, logger="workers.documents"):
        assert warm_renderer() == "slow"
    assert calls == ["warm"]
    assert "PDF rendering is SLOW" in caplog.text and "libharfbuzz-subset0" in caplog.text
    caplog.clear()
    monkeypatch.setattr(render, "pdf_speed", lambda: "fast")
    with caplog.at_level(logging.WARNING, logger="workers.documents"):
        assert warm_renderer() == "fast"
    assert "SLOW" not in caplog.text
