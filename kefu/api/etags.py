"""Optimistic concurrency over HTTP: the row's version as its ETag, and If-Match back."""

from __future__ import annotations

from django.http import HttpRequest

from kefu.errors import InvalidInput


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: HttpRequest) -> int | None:
    """The version named by If-Match, or None when the client sent none."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    raw = raw.removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput("If-Match 格式无效", "If-Match must be an ETag from this API",
                           fields={"If-Match": [raw]}) from None
