"""GET /api/courses (the cached catalogue, anonymous) against a minimal DRF view, in one run.

Usage: .venv/bin/python bench/catalogue.py [--seconds 10] [--connections 16] [--code DIR]
With --code, another checkout is served beside this one (its own database and Redis database)
and measured in the same run.
Needs PostgreSQL, Redis and wrk on this machine. Prints req/s, p50/p99 and the ratio.
"""

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    bench_env,
    bench_env_beside,
    database_seeded,
    gunicorn,
    report,
    server_of,
    wrk,
)

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
    parser.add_argument("--code", type=Path, help="another checkout, measured beside this one")
    args = parser.parse_args()

    codes = {"this code": (ROOT, bench_env(args.port), args.port)}
    if args.code is not None:
        other = (args.code.resolve(), bench_env_beside(args.port + 10), args.port + 10)
        codes[f"code in {args.code}"] = other
    results = {}
    with ExitStack() as running:
        bases = {}
        for name, (code, env, port) in codes.items():
            database_seeded(env, seed=SEED, code=code)
            bases[name] = base = running.enter_context(
                gunicorn(env, port, server=server_of(code), code=code)
            )
            body = requests.get(f"{base}/api/courses", timeout=10)
            body.raise_for_status()
            print(f"{name}: catalogue payload {len(body.content)} bytes")
            for _ in range(20):  # every worker warm
                requests.get(f"{base}/api/courses", timeout=10)
                requests.get(f"{base}/bench/minimal", timeout=10)
        # One after the other, every code's loads back to back.
        for name, base in bases.items():
            for path in ("/bench/minimal", "/api/courses"):
                results[(name, path)] = wrk(
                    base + path, seconds=args.seconds, connections=args.connections
                )

    for name in codes:
        minimal, catalogue = results[(name, "/bench/minimal")], results[(name, "/api/courses")]
        print(report(f"minimal DRF view ({name})", minimal))
        print(report(f"GET /api/courses, cached ({name})", catalogue))
        print(f"{name}: ratio catalogue / minimal {catalogue['rps'] / minimal['rps']:.2f}")


if __name__ == "__main__":
    main()
