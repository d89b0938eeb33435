"""Enrollment: joining Guru's courses (free, waived by a plan, or charged once) and the reads
of who is enrolled where."""
