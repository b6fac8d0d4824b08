"""The app servers and HTTP the benchmarks and the tests that need real servers share:
gunicorn with production settings on a loopback port, requests that do not follow redirects,
and signing in through allauth's form like a browser."""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn (production settings, sync workers) on a loopback port (a free one unless
    given)."""

    def __init__(self, env: dict, workers: int, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.log_path = log_path
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        cmd = [str(BIN / "gunicorn"), "prodep.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", str(workers), "--worker-class", "sync", "--no-control-socket"]
        cmd += ["--log-level", "info"]
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"gunicorn did not start; see {log_path}:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(round(kb / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def http(method: str, url: str, headers: dict | None = None, data: dict | None = None):
    """(status, headers, body); 3xx, 4xx and 5xx are answers, not exceptions."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def set_cookies(headers) -> dict[str, str]:
    cookies = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def production_env(static_root: Path) -> dict:
    """Production settings on plain http: fresh keys, static files collected to static_root,
    bench databases allowed; DATABASE_URL and CACHE_URL are the caller's to set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(static_root),
        PRODEP_BENCH_DB="1",
        DEBUG="false",
        SECURE_HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY="bench-" + base64.urlsafe_b64encode(os.urandom(45)).decode(),
        REFLECTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        CACHE_URL="",
        LOG_LEVEL="WARNING",
    )
    return env


# A load balancer passes the same Host to every app server. It matters: allauth's failed-log-in
# key is "<host>:<email>", so servers reached under different host names would count apart.
SITE_HOST = "127.0.0.1"


def login(base: str, email: str, password: str, host: str = SITE_HOST):
    """Sign in through allauth's form like a browser; returns (status, cookies)."""
    status, headers, body = http("GET", base + "/accounts/login/", {"Host": host})
    cookies = set_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, headers, _ = http(
        "POST",
        base + "/accounts/login/",
        {"Cookie": cookie, "Host": host},
        {"login": email, "password": password, "csrfmiddlewaretoken": token},
    )
    return status, {**cookies, **set_cookies(headers)}
