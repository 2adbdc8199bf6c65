"""Residents' rights under the PDPA: a copy of everything held about a household, and erasure."""
