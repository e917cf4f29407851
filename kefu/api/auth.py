"""API authentication: a bearer token, or the console's session (with CSRF).

The API is the staff's. A customer's portal session (or a token made for a customer's login)
authenticates, but is refused here, before any endpoint runs: the portal withholds internal
fields (findings, the responsible party, staff names, the call id) and staff evidence, and
the staff API's schemas were never written to withhold them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kefu.api.tokens import user_for_token
from kefu.errors import PermissionRefused
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user


class CustomerRefused(PermissionRefused):
    """A customer on the staff API: signed in, but at the wrong door."""

    code = "staff_only"


def _staff_actor(user: AbstractBaseUser | AnonymousUser) -> Actor | None:
    """The member of staff behind a login; None for a login that is nobody's (401), and a
    403 for a customer, who is somebody but not allowed here."""
    try:
        actor = actor_for_user(user)
    except NotAnActor:
        return None
    if actor.is_customer:
        raise CustomerRefused("接口仅供员工使用，客户请使用自助服务",
                              "The API is for staff; customers use the self-service portal")
    return actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        actor = _staff_actor(user)
        if actor is None:
            return None
        request.actor = actor  # type: ignore[attr-defined]
        request.user = user
        return user


class ActorSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        actor = _staff_actor(user)
        if actor is None:
            return None
        request.actor = actor  # type: ignore[attr-defined]
        return user


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


AUTH = [TokenAuth(), ActorSessionAuth()]
