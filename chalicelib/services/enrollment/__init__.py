"""School pre-registration into Massar."""
