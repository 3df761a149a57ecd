"""Robust optimization, RBDO, sensitivity and tolerances (not written yet)."""
