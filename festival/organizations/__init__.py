"""Organizations taking part in festivals, and the venues festivals are held at."""
