"""Reminders: Web Push messages a resident or volunteer opts in to, sent by the job queue."""
