"""Accounts, role grants, tokens, the one scoping mechanism and the audit trail."""
