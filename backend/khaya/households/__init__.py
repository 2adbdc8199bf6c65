"""The household register: who is in the scheme, where, and how they handle wet waste."""
