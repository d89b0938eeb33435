"""One-time codes by email, for students and admins alike: challenges, their codes (derived
from the challenge's id, stored nowhere), verification and the daily cap of wrong codes."""
