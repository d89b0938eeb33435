"""Benchmark settings: the project's settings plus a minimal DRF view to compare against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
