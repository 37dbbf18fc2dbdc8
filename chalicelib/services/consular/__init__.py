"""Consular appointments (Rendez-vous)."""
