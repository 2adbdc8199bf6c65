"""People: an LGO's users, their role grants, volunteer profiles, and the audit view."""
