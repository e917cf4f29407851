"""The staff API is not the customer's (issue 22, item 3): a customer signed in to the portal,
or holding a token made for their login, is refused on every route the API has, before the
route runs; staff sessions and tokens go on working."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern
from ninja.constants import NOT_SET

from kefu.api.routes import api
from kefu.api.tokens import issue_api_token
from kefu.orgs.actors import SYSTEM
from kefu.workorders.models import WorkOrder
from tests.conftest import World
from tests.test_portal import signed_in
from tests.test_return_visits import replied

pytestmark = pytest.mark.django_db

# Routes anyone may call; everything else is the staff's. A new public route has to be
# added here on purpose.
PUBLIC = {("POST", "/api/surveys/answers")}


def _route(prefix: str, path: str) -> str:
    return re.sub(r"/+", "/", f"/api/{prefix}/{path}").rstrip("/")


def routes() -> list[tuple[str, str, bool]]:
    """(method, path template, is public) for every operation of every router of the API."""
    api.urls  # noqa: B018 -- mounts the routers, nested ones included
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                # An operation's own `auth=None` makes it public; unset, it has the API's.
                is_public = operation.auth_param is None
                assert is_public or operation.auth_param is NOT_SET, (path, "own auth")
                found += [(method, _route(prefix, path), is_public)
                          for method in operation.methods]
    return sorted(found)


def test_the_routes_walked_are_all_the_api_has() -> None:
    walked = {(method, path) for method, path, _ in routes()}
    documented = {(method.upper(), path)
                  for path, item in api.get_openapi_schema()["paths"].items()
                  for method in item}
    # ninja's own pages (the OpenAPI document, the docs and the API's root) aside.
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", f"/api/{pattern.pattern}").rstrip("/")
              for pattern in api.urls[0] if isinstance(pattern, URLPattern)
              and pattern.name not in ("openapi-json", "openapi-view", "api-root")}
    assert walked == documented
    assert {path for _, path in walked} == served
    assert {(m, p) for m, p, is_public in routes() if is_public} == PUBLIC


def call(client: Client, method: str, template: str, wo_id: int) -> Any:
    # Every path parameter names the customer's own work order: the refusal does not depend
    # on what is asked for, and not even their own record is served.
    url = re.sub(r"{\w+}", str(wo_id), template)
    return client.generic(method, url, data=json.dumps({}), content_type="application/json")


def assert_staff_only(response: Any, where: str) -> None:
    assert response.status_code == 403, (where, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json", where
    problem = response.json()
    assert problem["code"] == "staff_only" and problem["status"] == 403, where
    assert set(problem) == {"type", "title", "status", "detail", "code", "message_zh",
                            "message_en"}, where


@pytest.fixture
def own_work_order(world: World) -> WorkOrder:
    """A complaint of the portal's customer with everything the portal withholds filled in:
    findings, responsible party, handler's name, call id, staff evidence."""
    return replied(world)


def test_a_portal_session_is_refused_on_every_staff_route(world: World,
                                                          own_work_order: WorkOrder) -> None:
    portal = signed_in(world)
    assert portal.get(f"/portal/orders/{own_work_order.pk}/").status_code == 200
    for method, path, is_public in routes():
        if not is_public:
            assert_staff_only(call(portal, method, path, own_work_order.pk), f"{method} {path}")
    # Refused here, the customer is still signed in to the portal.
    assert portal.get("/portal/").status_code == 200


def test_a_token_for_a_customer_login_is_refused_too(world: World,
                                                     own_work_order: WorkOrder) -> None:
    _, plain = issue_api_token(actor=SYSTEM, user=world.users["customer"], name="customer")
    holder = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    for method, path, is_public in routes():
        if not is_public:
            assert_staff_only(call(holder, method, path, own_work_order.pk), f"{method} {path}")


def test_the_refusal_speaks_both_languages(world: World) -> None:
    refused = signed_in(world).get("/api/me", headers={"Accept-Language": "en"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == refused.json()["message_en"]
    assert "员工" in refused.json()["message_zh"]


def test_staff_sessions_and_tokens_still_work(world: World, own_work_order: WorkOrder) -> None:
    session = world.client_for("supervisor")
    _, plain = issue_api_token(actor=SYSTEM, user=world.users["supervisor"], name="staff")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    for client in (session, token):
        assert client.get("/api/me").json()["role"] == "supervisor"
        items = client.get("/api/work-orders").json()["items"]
        assert own_work_order.pk in [item["id"] for item in items]
        detail = client.get(f"/api/work-orders/{own_work_order.pk}")
        assert detail.status_code == 200 and detail.json()["findings"] == "属实"
    # No staff route mistakes a member of staff for a customer.
    for method, path, _ in routes():
        response = call(session, method, path, own_work_order.pk)
        assert response.status_code != 401, (method, path)
        if response.status_code == 403:
            assert response.json()["code"] != "staff_only", (method, path)


def test_without_sign_in_it_is_still_401(world: World) -> None:
    response = Client().get("/api/work-orders")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
