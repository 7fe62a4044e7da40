"""WSGI entry point: `gunicorn wsgi:app` (production) and `flask --app wsgi ...` (commands).

Commands work without a SECRET_KEY (they sign nothing). Serving does not: gunicorn.conf.py refuses to start
without a key of 32 bytes or more, or with FLASK_DEBUG set; this file checks again for gunicorn started
without that configuration file.
"""

import os
import sys

from festival import create_app
from festival.config import serving_problems

# Gunicorn's "app failed to load" code: its master stops instead of restarting workers forever.
APP_LOAD_ERROR = 4

if "gunicorn.arbiter" in sys.modules:
    problems = serving_problems(dict(os.environ))
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(APP_LOAD_ERROR)

app = create_app()
