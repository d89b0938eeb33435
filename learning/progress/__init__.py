"""Progress: a student's standing in one course against Guru's totals and certificate rules."""
