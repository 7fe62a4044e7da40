"""Gunicorn settings, read automatically by `gunicorn wsgi:app` run from this folder.

Every value can be overridden on the command line (e.g. `-w 4 -b 0.0.0.0:8000`) or by the environment below.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or min(multiprocessing.cpu_count() * 2 + 1, 9))
# Load the app once in the master: a configuration error (no SECRET_KEY) stops the start with one line,
# instead of workers failing one after another; workers share the loaded code's memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# Trust X-Forwarded-* only from the reverse proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
