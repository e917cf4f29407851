"""No 5xx on a NUL character (issue 22, item 6): PostgreSQL refuses NUL in text, so a request
carrying one — in its query, its form fields or its JSON body — is refused as the client's
error before it reaches the database: 422 problem+json on the API, 400 in the console and
the portal. Files may contain any byte."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.workorders.models import WorkOrder
from tests.conftest import World

pytestmark = pytest.mark.django_db

BODY = {"kind": "complaint", "channel": "web", "title": "宽带\u0000断网", "content": "每晚断网",
        "customer": {"name": "李娜", "phone": "13900002222", "address": "广东省广州市越秀区"}}


def test_the_api_refuses_nul_in_a_body_and_in_a_filter(world: World) -> None:
    client = world.client_for("agent")
    created = client.post("/api/work-orders", data=json.dumps(BODY),
                           content_type="application/json")
    assert created.status_code == 422
    assert created["Content-Type"].startswith("application/problem+json")
    assert created.json()["code"] == "invalid_input"
    assert not WorkOrder.objects.exists()
    listed = client.get("/api/work-orders?keyword=%00")
    assert listed.status_code == 422


def test_the_console_and_portal_refuse_nul_in_form_fields(
        world: World, complaint: WorkOrder) -> None:
    console = world.client_for("agent").post(
        f"/console/work-orders/{complaint.pk}/notes/", {"note": "a\x00b"})
    assert console.status_code == 400
    search = world.client_for("agent").get("/console/?view=all&q=%00")
    assert search.status_code == 400
    portal = world.client_for("customer").post(
        f"/portal/orders/{complaint.pk}/withdraw/", {"reason": "不要了\x00"})
    assert portal.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == "received" and not complaint.events.filter(
        event_type="note_added").exists()


def test_a_file_with_nul_bytes_is_still_accepted(world: World, complaint: WorkOrder) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    upload = world.client_for("agent").post(
        f"/console/work-orders/{complaint.pk}/attachments/",
        {"file": SimpleUploadedFile("shot.png", png, content_type="image/png")})
    assert upload.status_code == 302
    assert complaint.attachments.count() == 1
