"""A requests transport that hands requests to a WSGI app in this process.

Mounted on the Guru client's session, the student side reads this project's real Guru
public API through the real requests code path, inside the test's own transaction.
"""

import io
from urllib.parse import urlsplit

import requests
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class WSGITransport(BaseAdapter):
    def __init__(self, app) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value

        started: dict = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers

        # Inside a request of Django's test client (which reconnects close_old_connections
        # while its request runs), the nested request must not close the test's connection:
        # suspend the receivers as the test client does, and restore what was connected.
        started_was_connected = request_started.disconnect(close_old_connections)
        finished_was_connected = request_finished.disconnect(close_old_connections)
        try:
            chunks = self.app(environ, start_response)
            try:
                content = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        finally:
            if started_was_connected:
                request_started.connect(close_old_connections)
            if finished_was_connected:
                request_finished.connect(close_old_connections)

        response = requests.Response()
        response.status_code = int(started["status"].split(" ", 1)[0])
        response.reason = started["status"].split(" ", 1)[1]
        response.headers = CaseInsensitiveDict(started["headers"])
        response._content = content
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        pass
