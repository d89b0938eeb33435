"""Portfolios: what a student chose to show the world, and their own view with private stats."""
