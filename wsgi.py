"""WSGI entry point: `gunicorn wsgi:app` (production) and `flask --app wsgi ...` (commands)."""

import sys

from festival import create_app
from festival.config import ConfigError

# Gunicorn's "app failed to load" code: its master stops instead of restarting workers forever.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
