"""Indicators for any area and period, from rollups kept current as rows are accepted.

``compute`` (see ``indicators``) is the one entry point other packages use.
"""

from .indicators import INDICATORS, compute

__all__ = ["INDICATORS", "compute"]
