"""The one offline endpoint: batches of items created on phones, each handed to its domain."""
