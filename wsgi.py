"""WSGI entry point: `gunicorn wsgi:app` (production) and `flask --app wsgi ...` (commands)."""

import sys

from festival import create_app
from festival.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(1)
