"""School pre-registration's items: the school catalogue and the follow-up counters (in the
reference table), and the one-live-request guard of each child (in the cases table)."""
