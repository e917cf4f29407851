"""The HTTP API: auth, intake, lists, detail, transitions, errors as problem+json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kefu.api.models import ApiToken
from kefu.api.tokens import issue_api_token
from kefu.audit.models import AuditEntry
from kefu.orgs.actors import SYSTEM
from kefu.workorders.models import WorkOrder
from tests.conftest import PHONE, World

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "complaint", "channel": "phone", "call_id": "CALL-9", "title": "宽带经常断网",
    "content": "每晚断网多次",
    "customer": {"name": "李娜", "phone": "139 0000 2222", "address": "广东省广州市越秀区北京路1号"},
}


def token_client(world: World, name: str) -> tuple[Client, str]:
    _, plain = issue_api_token(actor=SYSTEM, user=world.users[name], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}"), plain


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers=headers)


def test_token_is_hashed_at_rest(world: World) -> None:
    _, plain = token_client(world, "agent")
    stored = ApiToken.objects.get()
    assert plain not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64


def test_unauthenticated_is_problem_json(world: World) -> None:
    response = Client().get("/api/work-orders")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    bad = Client(HTTP_AUTHORIZATION="Bearer kefu_nope").get("/api/work-orders")
    assert bad.status_code == 401


def test_create_then_detail_masks_personal_data(world: World) -> None:
    client, _ = token_client(world, "agent")
    response = post(client, "/api/work-orders", BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("TS-")
    assert data["customer"]["phone"] == "139****2222"
    assert data["customer"]["name"] == "李*"
    assert data["customer"]["address"] == "广东省广州市越秀区****"
    assert "13900002222" not in response.content.decode()
    assert response["ETag"] == '"1"'
    detail = client.get(f"/api/work-orders/{data['id']}")
    assert detail.status_code == 200 and detail["ETag"] == '"1"'


def test_idempotent_create_returns_first_result(world: World) -> None:
    client, _ = token_client(world, "agent")
    first = post(client, "/api/work-orders", BODY, **{"Idempotency-Key": "k-1"})
    again = post(client, "/api/work-orders", BODY, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert WorkOrder.objects.count() == 1
    other = post(client, "/api/work-orders", {**BODY, "title": "不同"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409


@pytest.mark.parametrize(("body", "field"), [
    ({**BODY, "customer": {**BODY["customer"], "phone": "12345678901"}}, "phone"),
    ({**BODY, "customer": {**BODY["customer"], "id_number": "440106199003071234"}}, "id_number"),
    ({**BODY, "kind": "party"}, "kind"),
    ({**BODY, "channel": "pigeon"}, "channel"),
    ({**BODY, "title": ""}, "title"),
    ({**BODY, "call_id": ""}, "call_id"),
    ({**BODY, "category_id": 999999}, "category_id"),
    ({k: v for k, v in BODY.items() if k != "content"}, "content"),
])
def test_bad_intake_is_422_with_field_errors(world: World, body: dict[str, Any],
                                             field: str) -> None:
    client, _ = token_client(world, "agent")
    response = post(client, "/api/work-orders", body)
    assert response.status_code == 422, response.content
    problem = response.json()
    assert field in problem["errors"], problem
    assert problem["message_zh"] and problem["message_en"]
    assert WorkOrder.objects.count() == 0


def test_malformed_json(world: World) -> None:
    client, _ = token_client(world, "agent")
    response = client.post("/api/work-orders", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert WorkOrder.objects.count() == 0


def test_english_detail_on_request(world: World) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/work-orders")
    assert response.json()["detail"] == "Sign in or send a valid token"


def test_transition_flow_with_etags(world: World) -> None:
    agent, _ = token_client(world, "agent")
    created = post(agent, "/api/work-orders", BODY).json()
    url = f"/api/work-orders/{created['id']}"
    moves = agent.get(f"{url}/transitions").json()
    assert {m["name"] for m in moves} >= {"classify", "reject", "request_info", "withdraw"}
    classified = post(agent, f"{url}/transitions/classify",
                      {"category_id": world.category.pk, "severity": "normal",
                       "handler_id": world.handler.staff_id}, **{"If-Match": '"1"'})
    assert classified.status_code == 200, classified.content
    assert classified.json()["status"] == "classified" and classified["ETag"] == '"2"'
    stale = post(agent, f"{url}/transitions/reject",
                 {"reject_reason": "duplicate", "note": "重复"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    impossible = post(agent, f"{url}/transitions/close", {"is_confirmed_by_customer": True})
    assert impossible.status_code == 409
    assert "request_info" in impossible.json()["allowed"]
    missing = post(agent, f"{url}/transitions/reply", {})
    assert missing.status_code == 409  # classified cannot reply yet
    handler, _ = token_client(world, "handler")
    no_methods = post(handler, f"{url}/transitions/start_investigation", {})
    assert no_methods.status_code == 422
    assert "investigation_methods" in no_methods.json()["errors"]
    timeline = agent.get(f"{url}/timeline").json()
    assert [e["event_type"] for e in timeline] == ["created", "transitioned"]


def test_sibling_unit_gets_404_everywhere(world: World) -> None:
    agent, _ = token_client(world, "agent")
    created = post(agent, "/api/work-orders", BODY).json()
    sibling, _ = token_client(world, "sibling_handler")
    url = f"/api/work-orders/{created['id']}"
    assert sibling.get(url).status_code == 404
    assert sibling.get(f"{url}/timeline").status_code == 404
    assert post(sibling, f"{url}/transitions/withdraw", {"reason": "x"}).status_code == 404
    assert sibling.get("/api/work-orders").json()["items"] == []
    assert sibling.get(f"/api/customers/{created['customer']['id']}").status_code == 404


def test_list_filters_and_keyset_pages(world: World) -> None:
    agent, _ = token_client(world, "agent")
    ids = [post(agent, "/api/work-orders", {**BODY, "title": f"第{i}条"}).json()["id"]
           for i in range(5)]
    consult = post(agent, "/api/work-orders", {**BODY, "kind": "consultation"}).json()
    page = agent.get("/api/work-orders?kind=complaint&limit=2").json()
    assert [i["id"] for i in page["items"]] == ids[::-1][:2]
    page2 = agent.get(f"/api/work-orders?kind=complaint&limit=2&before={page['next_before']}")
    assert [i["id"] for i in page2.json()["items"]] == ids[::-1][2:4]
    by_number = agent.get(f"/api/work-orders?number={consult['number']}").json()["items"]
    assert [i["id"] for i in by_number] == [consult["id"]]
    by_phone = agent.get(f"/api/work-orders?phone={PHONE}").json()["items"]
    assert by_phone == []
    by_phone = agent.get("/api/work-orders?phone=13900002222").json()["items"]
    assert len(by_phone) == 6
    bad = agent.get("/api/work-orders?created_from=yesterday")
    assert bad.status_code == 422 and "created_from" in bad.json()["errors"]


def test_reveal_is_logged_and_needs_permission(world: World) -> None:
    agent, _ = token_client(world, "agent")
    created = post(agent, "/api/work-orders", BODY).json()
    customer_id = created["customer"]["id"]
    refused = post(agent, f"/api/customers/{customer_id}/reveal", {"reason": "核实身份信息"})
    assert refused.status_code == 403
    owner = post(agent, f"/api/work-orders/{created['id']}/reveal-contact", {})
    assert owner.status_code == 200 and owner.json()["phone"] == "13900002222"
    supervisor, _ = token_client(world, "supervisor")
    no_reason = post(supervisor, f"/api/customers/{customer_id}/reveal", {"reason": ""})
    assert no_reason.status_code == 422
    revealed = post(supervisor, f"/api/customers/{customer_id}/reveal", {"reason": "核实身份信息"})
    assert revealed.json()["name"] == "李娜"
    logged = AuditEntry.objects.filter(action="PERSONAL_DATA_REVEALED",
                                       object_id=str(customer_id))
    assert logged.count() == 2


def test_attachment_checks(world: World, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    agent, _ = token_client(world, "agent")
    created = post(agent, "/api/work-orders", BODY).json()
    url = f"/api/work-orders/{created['id']}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    ok = agent.post(url, {"file": SimpleUploadedFile("信号.png", png, "image/png")})
    assert ok.status_code == 201, ok.content
    import hashlib

    assert ok.json()["sha256"] == hashlib.sha256(png).hexdigest()
    fake = agent.post(url, {"file": SimpleUploadedFile("x.png", b"MZ-not-an-image", "image/png")})
    assert fake.status_code == 422
    exe = agent.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload")})
    assert exe.status_code == 422
    settings.KEFU_ATTACHMENT_MAX_BYTES = 50
    big = agent.post(url, {"file": SimpleUploadedFile("big.png", png, "image/png")})
    assert big.status_code == 422 and "file" in big.json()["errors"]
    assert len(agent.get(url).json()) == 1


def test_openapi_document(world: World) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/work-orders/{wo_id}/transitions/{name}" in paths


def test_an_unknown_filter_value_is_refused_and_the_choices_are_declared(world: World) -> None:
    client, _ = token_client(world, "supervisor")
    answer = client.get("/api/work-orders", {"status": "nonsense"})
    assert answer.status_code == 422
    assert answer.json()["status"] == 422 and "status" in answer.json()["errors"]
    assert client.get("/api/work-orders", {"status": "received", "kind": "complaint"}
                      ).status_code == 200
    schema = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/work-orders"]["get"]["parameters"]}
    declared = json.dumps(parameters["status"]["schema"]) + json.dumps(schema["components"])
    assert '"received"' in declared and '"closed"' in declared
