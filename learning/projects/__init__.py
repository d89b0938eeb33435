"""Course projects: Guru's project briefs with the student's own submission, and submitting
(or resubmitting) a project's links for review."""
