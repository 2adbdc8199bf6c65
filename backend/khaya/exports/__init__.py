"""Exports: monthly figures per LGO as CSV or XLSX, directly or as a polled job."""
