"""Territory: province, districts, tambons, villages/communities and LGOs, keyed by DOPA codes."""
