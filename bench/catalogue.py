"""GET /api/courses (the cached catalogue, anonymous) against a minimal DRF view, in one run.

Usage: .venv/bin/python bench/catalogue.py [--seconds 10] [--connections 16]
Needs PostgreSQL, Redis and wrk on this machine. Prints req/s, p50/p99 and the ratio.
"""

import argparse
import json
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, gunicorn, manage, recreate_database, report, wrk

SEED = """
from django.utils import timezone
from guru.models import Course, Module, Lesson
for c in range(12):
    course = Course.objects.create(
        title=f"Course {c}: Python for data work", description="A practical course. " * 3,
        skills=["python", "pandas"], credit_cost=30, academic_credits=4,
        is_published=True, first_published_at=timezone.now())
    for m in range(4):
        module = Module.objects.create(course=course, title=f"Module {m}", order=m)
        for n in range(5):
            Lesson.objects.create(module=module, title=f"L{n}", content="...", order=n)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()

    env = bench_env(args.port)
    recreate_database(env)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "shell", "-v", "0", "-c", SEED)
    env["GURU_API_KEY"] = manage(env, "create_api_key", "--name", "bench", "--scopes", "catalog")

    with gunicorn(env, args.port) as base:
        body = requests.get(f"{base}/api/courses", timeout=10)
        body.raise_for_status()
        print(
            f"catalogue payload: {len(body.content)} bytes, {len(json.loads(body.content))} courses"
        )
        for _ in range(20):  # every worker warm
            requests.get(f"{base}/api/courses", timeout=10)
            requests.get(f"{base}/bench/minimal", timeout=10)
        minimal = wrk(f"{base}/bench/minimal", seconds=args.seconds, connections=args.connections)
        catalogue = wrk(f"{base}/api/courses", seconds=args.seconds, connections=args.connections)

    print(report("minimal DRF view", minimal))
    print(report("GET /api/courses (cached)", catalogue))
    print(f"ratio catalogue / minimal: {catalogue['rps'] / minimal['rps']:.2f}")


if __name__ == "__main__":
    main()
