"""The ceiling of the ceiling: a bare Flask app answering /healthz, served by the same gunicorn settings.

`make bench` measures it in the same run as the real app, so that "/healthz ≥ 0.75 × a bare Flask app" says how
much the app's own per-request machinery (hooks, headers, sessions) costs.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
