"""Citizen reports: routed by boundary, worked through by the LGO, open over Open311."""
