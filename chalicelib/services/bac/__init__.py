"""Baccalaureate services behind the electronic ID card."""
