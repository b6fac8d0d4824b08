"""The WSGI and ASGI entry points that gunicorn or an ASGI server load serve the site."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from wsgiref.util import setup_testing_defaults


def test_wsgi_application_serves_a_page(db):
    from prodep.wsgi import application

    environ = {"PATH_INFO": "/robots.txt", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = []
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["200 OK"]
    assert b"User-agent" in body


def test_asgi_application_serves_a_page(db):
    from prodep.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/robots.txt",
        "raw_path": b"/robots.txt",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
    }
    sent = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Future()  # the client stays connected until the response is sent

    async def send(message):
        sent.append(message)

    # A thread of its own: the browser tests' event loop may still run in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result(timeout=30)
    assert sent[0]["status"] == 200
    assert b"User-agent" in b"".join(m.get("body", b"") for m in sent[1:])
