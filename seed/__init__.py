"""Seed data for Khaya: the Lamphun territory and demo generators."""
