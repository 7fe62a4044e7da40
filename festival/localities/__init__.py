"""Administrative units: the locality tree, its import and its search."""
