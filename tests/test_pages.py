"""Every console and portal page renders in Chinese and in English, and saved views work."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kefu.workorders.models import WorkOrder
from tests.conftest import PHONE, World

pytestmark = pytest.mark.django_db

CONSOLE = [
    ("/console/?view={v}", ("工作台", "Workspace")) for v in
    ("mine", "unit", "unassigned", "due", "overdue", "pending", "all")
] + [
    ("/console/work-orders/{wo}/", ("处理轨迹", "Timeline")),
    ("/console/new/", ("新建工单", "New work order")),
    ("/console/board/", ("班组工作量", "Team workload")),
    ("/console/sla/", ("时限达标", "SLA compliance")),
    ("/console/surveys/", ("满意度调查", "Satisfaction survey")),
    ("/console/customers/{customer}/", ("客户视图", "Customer view")),
    ("/console/login/", ("登录客服工作台", "Sign in to Kefu")),
]
PORTAL = [
    ("/portal/", ("我的工单", "My requests")),
    ("/portal/new/", ("提交投诉或咨询", "Submit a complaint or question")),
    ("/portal/orders/{wo}/", ("处理进度", "Progress")),
]


def render(client: Client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    return html


@pytest.mark.parametrize(("url", "markers"), CONSOLE)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_console_pages(world: World, complaint: WorkOrder, url: str,
                       markers: tuple[str, str], lang: str) -> None:
    client = world.client_for("supervisor")
    html = render(client, url.format(wo=complaint.pk, customer=world.customer.pk, v="all"),
                  lang)
    assert markers[1 if lang == "en" else 0] in html
    assert PHONE not in html
    # every form control has a label
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    assert ids - {"idempotency-key", "f-number"} <= labelled or not ids


@pytest.mark.parametrize(("url", "markers"), PORTAL)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_portal_pages(world: World, complaint: WorkOrder, url: str,
                      markers: tuple[str, str], lang: str) -> None:
    client = world.client_for("customer")
    html = render(client, url.format(wo=complaint.pk), lang)
    assert markers[1 if lang == "en" else 0] in html


def test_portal_login_page_in_both_languages() -> None:
    assert "手机号登录" in render(Client(), "/portal/login/", "zh-hans")
    assert "Sign in with your mobile number" in render(Client(), "/portal/login/", "en")


def test_saved_views(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")
    saved = client.post("/console/views/", {"name": "我的投诉",
                                            "query": "view=all&kind=complaint&evil=1"})
    assert saved.status_code == 302
    queue = client.get("/console/").content.decode()
    assert "★ 我的投诉" in queue and "kind=complaint" in queue and "evil" not in queue
    assert "★ 我的投诉" not in world.client_for("handler").get("/console/").content.decode()
    assert client.post("/console/views/", {"name": "", "query": "view=all"}).status_code == 422
    view_id = world.users["agent"].saved_views.get().pk
    client.post("/console/views/", {"delete": str(view_id)})
    assert "★ 我的投诉" not in client.get("/console/").content.decode()
