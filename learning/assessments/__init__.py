"""Tests: Guru's timed quizzes, the student's attempts, grading against Guru's answer key."""
