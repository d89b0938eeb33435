"""Labs: Guru's coding exercises, their unlock rules, and the student's submissions."""
