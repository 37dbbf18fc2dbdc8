"""The case engine: case types as data, transitions checked and recorded, deadlines."""
