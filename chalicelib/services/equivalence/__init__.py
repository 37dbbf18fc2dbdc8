"""Foreign diploma equivalence, school and higher tracks."""
