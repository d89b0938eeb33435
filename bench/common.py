"""Shared pieces of the load benchmarks: the production server (gunicorn with uvicorn workers)
on PostgreSQL and Redis, and wrk."""

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def python_of(code: Path) -> str:
    """The Python of checkout code: its own .venv (its own locked dependencies) when it has
    one, else this one's."""
    own = code / ".venv" / "bin" / "python"
    return str(own) if code != ROOT and own.exists() else PYTHON


def bench_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ourshiksha_bench"
        ),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        GURU_BASE_URL=f"http://127.0.0.1:{port + 1}",
        LOG_LEVEL="WARNING",
        # A few simulated students send far more than one person could: the per-student limit
        # is still checked on every request (its cost is measured), never reached.
        STUDENT_RATE="1000000/m",
    )
    return env


def bench_env_beside(port: int) -> dict[str, str]:
    """bench_env for another checkout served beside this one (--code): its own database (the
    name with `_code` appended) and the next Redis database."""
    env = bench_env(port)
    env["DATABASE_URL"] += "_code"
    server, db = env["REDIS_URL"].rsplit("/", 1)
    env["REDIS_URL"] = f"{server}/{int(db) + 1}"
    return env


# How the production server runs (README "Operations"): ASGI, one uvicorn worker per core.
ASGI_SERVER = ["config.asgi:application", "-k", "uvicorn_worker.UvicornWorker"]
# The server before ASGI, for figures side by side: sync WSGI workers with 4 threads each.
SYNC_SERVER = ["config.wsgi", "-k", "gthread", "--threads", "4"]


def server_of(code: Path) -> list[str]:
    """The server checkout code ships: ASGI when it has uvicorn's gunicorn workers, else the
    sync one it had before."""
    found = subprocess.run([python_of(code), "-c", "import uvicorn_worker"], capture_output=True)
    return ASGI_SERVER if found.returncode == 0 else SYNC_SERVER


def manage(env: dict[str, str], *args: str, code: Path = ROOT) -> str:
    result = subprocess.run(
        [python_of(code), "manage.py", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def recreate_database(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    server, name = url.rsplit("/", 1)
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{server}/postgres", "-qc", sql], check=True)
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True, capture_output=True
    )


def database_seeded(
    env: dict[str, str], *, seed: str, scopes: str = "catalog", code: Path = ROOT
) -> str:
    """A new database for env, migrated by code, seed run in its shell, and a Guru API key
    with scopes put in env; returns what the seed printed."""
    recreate_database(env)
    manage(env, "migrate", "--no-input", "-v0", code=code)
    printed = manage(env, "shell", "-v", "0", "-c", seed, code=code)
    env["GURU_API_KEY"] = manage(
        env, "create_api_key", "--name", "bench", "--scopes", scopes, code=code
    )
    return printed


def _serve(
    env: dict[str, str], port: int, workers: int, server: list[str], code: Path
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            python_of(code),
            "-m",
            "gunicorn",
            *server,
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=code,
        env=env,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return process


@contextmanager
def gunicorn(
    env: dict[str, str],
    port: int,
    workers: int = 2,
    server: list[str] = ASGI_SERVER,
    code: Path = ROOT,
):
    """The student side under load on port (2 workers, one per core), and Guru beside it on
    port + 1 as in production: a separate service (one worker), so the student side's
    occasional refresh of Guru's copies never waits behind the load it is serving. `code` is
    the checkout to serve (another one's figures side by side)."""
    guru = _serve({**env, "SERVED_SYSTEMS": "guru"}, port + 1, 1, server, code)
    app = _serve({**env, "SERVED_SYSTEMS": "shishya"}, port, workers, server, code)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in (app, guru):
            process.terminate()
            process.wait(10)


def wrk(url: str, *, seconds: int, connections: int, script: str | None = None) -> dict:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        url,
    ]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency_ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "requests": int(total.group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def report(name: str, result: dict) -> str:
    return (
        f"{name:<28} {result['rps']:>9.0f} req/s   p50 {result['p50_ms']:>7.2f} ms   "
        f"p99 {result['p99_ms']:>7.2f} ms   non-2xx {result['non_2xx']}"
    )
