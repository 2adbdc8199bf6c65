"""What households and volunteers record: sorting logs, inspections and their photos."""
