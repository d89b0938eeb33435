"""deploy/haproxy.cfg, run by the real haproxy in front of recording fakes of the services:
system-only routes never pass the public listener however spelled, each path reaches its
service, client addresses are forwarded once, voucher codes stay out of the access log and
event streams pass unbuffered."""

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakes.server import FakeServer, RecordedRequest, Reply
from tests.ports import free_ports
from tests.routes import route_of, url_routes
from tests.test_route_identities import SYSTEM_CALLS, audience_of

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")

pytestmark = pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed")


class FakeService(FakeServer):
    """A web process: alive on /api/health/live, records the rest, streams events on
    /api/mithra/ask until the test releases the last one."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def record(self, request: RecordedRequest) -> None:
        if request.path != "/api/health/live":
            super().record(request)

    def reply(self, request: RecordedRequest) -> Reply:
        if request.path == "/api/mithra/ask":

            def events() -> Iterator[bytes]:
                yield b"data: first\n\n"
                self.release.wait(timeout=30)
                yield b"data: last\n\n"

            return Reply(200, headers={"Content-Type": "text/event-stream"}, stream=events())
        return Reply(200, {"ok": True})

    @property
    def address(self) -> str:
        return self.url.removeprefix("http://")

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


@pytest.fixture(scope="module")
def running_proxy(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("haproxy") / "access.log"
    with (
        FakeService() as shishya1,
        FakeService() as shishya2,
        FakeService() as guru,
        FakeService() as docs,
    ):
        public, internal = free_ports(2)
        env = os.environ | {
            "PUBLIC_BIND": f"127.0.0.1:{public}",
            "INTERNAL_BIND": f"127.0.0.1:{internal}",
            "HEALTH_CHECK_HOST": "localhost",
            "SHISHYA_1": shishya1.address,
            "SHISHYA_2": shishya2.address,
            "GURU_1": guru.address,
            "DOCS_1": docs.address,
            "HAPROXY_ERRORS_DIR": str(DEPLOY / "errors"),
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(DEPLOY / "haproxy.cfg")],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", public), timeout=1).close()
                    socket.create_connection(("127.0.0.1", internal), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                raise AssertionError(f"haproxy did not listen: {log_path.read_text()}")
            yield {
                "public": f"http://127.0.0.1:{public}",
                "internal": f"http://127.0.0.1:{internal}",
                "shishya": (shishya1, shishya2),
                "guru": guru,
                "docs": docs,
                "log": log_path,
            }
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def proxy(running_proxy):
    """The running proxy, its fakes as new: each test sees only its own requests, and event
    streams held back until it releases them."""
    for fake in (*running_proxy["shishya"], running_proxy["guru"], running_proxy["docs"]):
        fake.requests.clear()
        fake.release.clear()
    return running_proxy


def _raw_get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (requests would normalise it)."""
    host, port = base.removeprefix("http://").split(":")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def system_only_paths() -> list[str]:
    paths = [
        path
        for pieces, path, pattern in url_routes()
        if path and audience_of(route_of(pieces), pattern) == SYSTEM_CALLS
    ]
    assert {"/api/wallet/add", "/api/wallet/reverse"} <= set(paths)
    return paths


def spellings(path: str) -> list[str]:
    head, last = path.rsplit("/", 1)
    encoded_last = "".join(f"%{ord(c):02x}" for c in last)
    return [
        path,
        path + "/",
        path + "?a=1",
        path.replace("/", "//"),
        path.upper(),
        f"{head}/{last.upper()}",
        f"{head}/{encoded_last}",
        f"{head}/{encoded_last.upper()}",
        f"{head}/%{ord(last[0]):02X}{last[1:]}",
        path.replace("/", "%2F").replace("%2F", "/", 1),
        path.replace("/api/", "/api/./"),
        path.replace("/api/", "/api/x/../"),
        path.replace("/api/", "/%61pi/"),
    ]


def test_system_only_routes_never_pass_the_public_listener(proxy):
    for path in system_only_paths():
        for spelling in spellings(path):
            status, body = _raw_get(proxy["public"], spelling)
            assert status == 404, spelling
            assert b'"code": "not_found"' in body, spelling
        received = [p for fake in (*proxy["shishya"], proxy["guru"]) for p in fake.paths()]
        assert received == [], received


def test_system_only_routes_are_reached_on_the_internal_listener(proxy):
    for path in system_only_paths():
        status, _ = _raw_get(proxy["internal"], path)
        assert status == 200, path
        assert path in [p for fake in proxy["shishya"] for p in fake.paths()]


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/admin/course", "guru"),
        ("/api/public/pricing", "guru"),
        ("/guru/admin/", "guru"),
        ("/api/schema/", "docs"),
        ("/api/docs/", "docs"),
        ("/api/wallet/balance", "shishya"),
        ("/api/courses", "shishya"),
        ("/static/rest_framework/css/bootstrap.min.css", "shishya"),
    ],
)
def test_each_path_reaches_its_service(proxy, path, service):
    assert requests.get(proxy["public"] + path, timeout=10).status_code == 200
    fakes = proxy["shishya"] if service == "shishya" else (proxy[service],)
    assert path in [p for fake in fakes for p in fake.paths()]


def test_the_client_address_is_appended_once_for_trusted_proxy_count_one(proxy):
    """The apps read the client from the right of X-Forwarded-For, as many entries in as
    TRUSTED_PROXY_COUNT says (production.env: 1, this proxy's one entry)."""
    _raw_get(proxy["public"], "/api/courses?forwarded", {"X-Forwarded-For": "203.0.113.9"})
    request = next(
        r for fake in proxy["shishya"] for r in fake.requests if r.path == "/api/courses?forwarded"
    )
    # haproxy adds its own header line after the client's (Django joins them in order).
    assert request.headers["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1"
    assert "TRUSTED_PROXY_COUNT=1\n" in (DEPLOY / "production.env").read_text()


def test_voucher_codes_and_ids_stay_out_of_the_access_log(proxy):
    for path in (
        "/api/public/vouchers/welcomecode",
        "/api/public/vouchers/SAVE-50-SECRET",
        "/api/verify/certificate/certidsecret",
        "/verify/marksheet/marksidsecret",
        "/api/portfolio/someusersecret",
    ):
        _raw_get(proxy["internal" if "/public/" in path else "public"], path)
    for _ in range(100):  # haproxy writes a request's line after its response
        log = proxy["log"].read_text()
        if "/api/portfolio/_" in log:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the last request never reached the access log: {log}")
    assert "/api/public/vouchers/_" in log
    for secret in ("welcomecode", "SAVE-50-SECRET", "certidsecret", "marksidsecret", "someuser"):
        assert secret not in log


def test_event_streams_pass_unbuffered(proxy):
    with requests.get(proxy["public"] + "/api/mithra/ask", stream=True, timeout=30) as response:
        assert response.headers["X-Accel-Buffering"] == "no"
        assert "Content-Encoding" not in response.headers
        lines = response.iter_lines(chunk_size=1)
        # The first event arrives while the fake still holds the last one back.
        assert next(line for line in lines if line) == b"data: first"
        proxy["shishya"][0].release.set()
        proxy["shishya"][1].release.set()
        assert next(line for line in lines if line) == b"data: last"
