"""Guru's reads for the admin API and admin site, by area as guru/services is; each read owns
its joins so lists stay flat."""
