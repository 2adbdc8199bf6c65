"""Waste banks: price lists, members and an append-only ledger with the funeral fund."""
