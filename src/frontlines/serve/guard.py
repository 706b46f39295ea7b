"""What stands in front of the API: body limits, the token before the body, headers, short 422s.

A pure ASGI middleware, so it acts before FastAPI reads or parses anything:

* a request that changes something (any method but GET/HEAD/OPTIONS under ``/api/``) without the
  edit token is answered 401 before a byte of its body is read (100 MB without a token cost 11 s);
* a body over ``max_body`` bytes is answered 413 from its Content-Length, or as soon as a chunked
  body passes the limit, before it is parsed;
* every response carries a Content-Security-Policy (same-origin only; the OpenAPI pages also need
  their CDN), ``X-Content-Type-Options: nosniff``, ``frame-ancestors 'none'``/``X-Frame-Options``
  and ``Referrer-Policy: no-referrer``.

``short_validation_errors`` replaces FastAPI's 422 body, which echoes the whole input (20 MB in,
21 MB out), with the location, message and type of each error only.
"""
from __future__ import annotations

import json
import secrets

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MAX_BODY = 1024 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI and ReDoc come from jsdelivr with an inline start-up script
DOCS_CSP = ("default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; worker-src blob:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")
DOCS = ("/docs", "/redoc")


def _headers(path: str) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith(DOCS) else CSP
    return [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin")]


class Guard:
    def __init__(self, app, token: str, max_body: int = MAX_BODY):
        self.app, self.token, self.max_body = app, token.encode(), max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        extra = _headers(path)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *[(k, v) for k, v in extra if k not in names]]}
            await send(message)

        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if scope.get("method", "GET") not in SAFE_METHODS and path.startswith("/api/"):
            auth = headers.get(b"authorization", b"")
            given = auth[7:].strip() if auth[:7].lower() == b"bearer " else b""
            if not given or not secrets.compare_digest(given, self.token):
                return await _reply(send_with_headers, 401, "an edit token is required (Authorization: Bearer <token>)",
                                    [(b"www-authenticate", b"Bearer")])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                return await _reply(send_with_headers, 400, "bad Content-Length")
            if too_big:
                return await _reply(send_with_headers, 413, f"the body is over {self.max_body} bytes")
            return await self.app(scope, receive, send_with_headers)
        if scope.get("method", "GET") in SAFE_METHODS:
            return await self.app(scope, receive, send_with_headers)
        # a chunked body: read it up to the limit here, then hand it on
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                return await _reply(send_with_headers, 413, f"the body is over {self.max_body} bytes")
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        done = False

        async def replay():
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()
        return await self.app(scope, replay, send_with_headers)


async def _reply(send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


async def short_validation_errors(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with each error's location, message and type, never the input it was given."""
    out = []
    for e in exc.errors()[:20]:
        loc = [x if isinstance(x, int) else str(x)[:100] for x in e.get("loc", ())][:10]
        out.append({"loc": loc, "msg": str(e.get("msg", ""))[:300], "type": str(e.get("type", ""))[:60]})
    return JSONResponse({"detail": out}, status_code=422)
