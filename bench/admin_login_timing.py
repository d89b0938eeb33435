"""Does the admin sign-in's first step tell a right password from a wrong one by its time?

Against a running Guru (gunicorn, PostgreSQL, Redis, the production password hasher: bcrypt),
sends RIGHT and WRONG password attempts for one admin, interleaved in a shuffled order, and
compares the two sets of response times with a two-sided Mann-Whitney U test. Statuses and
body shapes must match too. A Celery worker runs the queued work, as in production. Run:
python -m bench.admin_login_timing [--tries 500] (BENCH_DATABASE_URL, BENCH_REDIS_URL and
BENCH_BROKER_URL name a scratch database, Redis db and broker).
"""

import argparse
import os
import random
import statistics
import subprocess
import time

import requests
from scipy.stats import mannwhitneyu

from bench.common import PYTHON, ROOT, bench_env, gunicorn, manage, recreate_database

EMAIL = "bench.admin@ourshiksha.ai"
PASSWORD = "a-bench-only-passphrase-42"
PORT = 18210  # Guru answers on PORT + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=500, help="attempts of each kind")
    args = parser.parse_args()

    env = bench_env(PORT)
    # Every attempt must reach the password check: the sign-in limits are lifted here.
    env.update(ADMIN_AUTH_RATE_PER_IP="1000000/m", ADMIN_AUTH_RATE_PER_ACCOUNT="1000000/m")
    env["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
    recreate_database(env)
    manage(env, "migrate", "--noinput")
    subprocess.run(
        [PYTHON, "manage.py", "createadmin", "--email", EMAIL, "--name", "Bench"],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    hasher = manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"print(User.objects.get(email='{EMAIL}').password.split('$')[0])",
    )

    kinds = ["right"] * args.tries + ["wrong"] * args.tries
    random.shuffle(kinds)
    times: dict[str, list[float]] = {"right": [], "wrong": []}
    answers: dict[str, set] = {"right": set(), "wrong": set()}
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-c", "1", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        # The console email backend prints each code (and Celery logs prints as warnings).
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with gunicorn(env, PORT):
        url = f"http://127.0.0.1:{PORT + 1}/api/admin/auth/login"
        session = requests.Session()
        for _ in range(20):  # warm-up: connections, caches, the first bcrypt
            session.post(url, json={"email": EMAIL, "password": "warm-up-guess"}, timeout=30)
        for n, kind in enumerate(kinds):
            password = PASSWORD if kind == "right" else f"wrong-guess-{n}"
            started = time.perf_counter()
            response = session.post(url, json={"email": EMAIL, "password": password}, timeout=30)
            times[kind].append(time.perf_counter() - started)
            answers[kind].add((response.status_code, tuple(sorted(response.json()))))

    worker.terminate()
    worker.wait(30)
    result = mannwhitneyu(times["right"], times["wrong"], alternative="two-sided")
    print(f"password hasher: {hasher}")
    for kind in ("right", "wrong"):
        ms = sorted(t * 1000 for t in times[kind])
        print(
            f"{kind:>5}: n={len(ms)} median {statistics.median(ms):.1f} ms  "
            f"p10 {ms[len(ms) // 10]:.1f}  p90 {ms[len(ms) * 9 // 10]:.1f}  "
            f"answers {sorted(answers[kind])}"
        )
    print(f"Mann-Whitney U = {result.statistic:.0f}, two-sided p = {result.pvalue:.3f}")
    print("answers identical:", answers["right"] == answers["wrong"])


if __name__ == "__main__":
    main()
