"""Lessons: Guru's lesson content for enrolled students, in course order, and completing them."""
