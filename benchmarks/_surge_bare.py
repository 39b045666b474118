"""The bare Flask app that benchmarks/deadline_surge.py serves under KIPP's gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
