"""Who changed what and when: one row per changed record per flush, written in the same transaction."""
