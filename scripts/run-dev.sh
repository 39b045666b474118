#!/bin/sh
# `make run`: a real Celery worker and the web app, started and stopped together.
# Ctrl+C (SIGINT/SIGTERM to this script) or either process exiting stops both: the web app
# with SIGTERM, the worker with a warm shutdown and, after KIPP_WORKER_STOP_SECONDS, SIGKILL
# of its process group. The broker is CELERY_BROKER_URL (default: the server-less SQLite
# broker in instance/), so nothing else needs to run.
set -u

# Development defaults (published keys) only because this script says so explicitly; without
# KIPP_ENV=development the app runs as production and wants SECRET_KEY and KIPP_CERTIFICATE_KEY.
KIPP_ENV=${KIPP_ENV:-development}
export KIPP_ENV
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
CONCURRENCY=${KIPP_WORKER_CONCURRENCY:-2}
STOP_SECONDS=${KIPP_WORKER_STOP_SECONDS:-15}

# Where mail goes (KIPP_MAIL_URL; the development default writes one .eml file per mail).
MAIL_URL=$("$BIN/python" -c 'import os, config
print(config.config_for(os.environ.get("KIPP_ENV")).KIPP_MAIL_URL or "")' 2>/dev/null)
case "$MAIL_URL" in
    file://*) echo "Mail is written as .eml files to ${MAIL_URL#file://}/" ;;
    "") ;;
    *) echo "Mail is sent through ${MAIL_URL%%://*}://${MAIL_URL##*@}" ;;
esac

# The worker gets its own session and process group, so stopping it reaches its pool too.
# Without -Q it consumes the documents queue and the mail queue (workers.celery_app).
setsid "$BIN/celery" -A workers.celery_app worker --loglevel=INFO \
    --concurrency="$CONCURRENCY" --without-mingle --without-gossip &
WORKER=$!
"$BIN/flask" run --host "$HOST" --port "$PORT" &
WEB=$!

stop_all() {
    trap - EXIT INT TERM
    kill -TERM "$WEB" 2>/dev/null
    if kill -0 "$WORKER" 2>/dev/null; then
        echo "Stopping the document worker (pid $WORKER)..."
        kill -TERM "$WORKER" 2>/dev/null
        waited=0
        while kill -0 "$WORKER" 2>/dev/null && [ "$waited" -lt "$STOP_SECONDS" ]; do
            sleep 1
            waited=$((waited + 1))
        done
        kill -KILL -- "-$WORKER" 2>/dev/null
    fi
    wait 2>/dev/null
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

# Return as soon as either process ends (a crashed worker must not go unnoticed).
while kill -0 "$WEB" 2>/dev/null && kill -0 "$WORKER" 2>/dev/null; do
    sleep 1
done
echo "The web app or the document worker stopped; stopping the other." >&2
exit 1
