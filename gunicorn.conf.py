"""Gunicorn settings, read automatically by `gunicorn wsgi:app` run from this folder.

Every value can be overridden on the command line (e.g. `-w 4 -b 0.0.0.0:8000`) or by the environment below.
"""

import multiprocessing
import os
import sys

from festival.config import serving_problems

# Refuse to serve with FLASK_DEBUG set (a public development key) or without a SECRET_KEY of 32 bytes or more:
# one line per reason, and the exit code gunicorn uses when an app fails to load.
_problems = serving_problems(dict(os.environ))
if _problems:
    for _problem in _problems:
        print(f"error: {_problem}", file=sys.stderr)
    sys.exit(4)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or min(multiprocessing.cpu_count() * 2 + 1, 9))
# Load the app once in the master: workers share the loaded code's memory, and an error in the app stops the
# start once instead of in every worker.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Trust X-Forwarded-* only from the reverse proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
