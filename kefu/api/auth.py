"""API authentication: a bearer token, or the console's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kefu.api.tokens import user_for_token
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        try:
            request.actor = actor_for_user(user)  # type: ignore[attr-defined]
        except NotAnActor:
            return None
        request.user = user
        return user


class ActorSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        try:
            request.actor = actor_for_user(user)  # type: ignore[attr-defined]
        except NotAnActor:
            return None
        return user


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


AUTH = [TokenAuth(), ActorSessionAuth()]
