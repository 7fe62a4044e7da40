"""Public pages: the current edition's home page, the language switch, the health check."""
