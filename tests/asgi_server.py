"""The project's ASGI application served by uvicorn in a thread of the test process, as in
production (where gunicorn runs uvicorn workers): for what only a real server shows, such as
events arriving while an answer is still being written, or one request not waiting on
another. Tests using it need committed data (django_db(transaction=True))."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import uvicorn

from config.asgi import project_application


@contextmanager
def asgi_server() -> Iterator[str]:
    """Yields the base URL of a running server (on a port the system picks)."""
    server = uvicorn.Server(
        uvicorn.Config(
            project_application(),
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started or not thread.is_alive():
            break
        time.sleep(0.01)
    assert server.started, "the ASGI server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def events(response: requests.Response) -> Iterator[tuple[str, Any]]:
    """The Server-Sent Events of a streamed response, each as soon as it has arrived."""
    name, data = "message", []
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif not line and data:
            yield name, json.loads("\n".join(data))
            name, data = "message", []
