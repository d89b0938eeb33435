"""Guru's writes, by area; each public function is one audited admin operation."""
