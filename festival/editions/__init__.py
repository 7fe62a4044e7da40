"""Festival editions (one a year) and each locality's festival day within one."""
