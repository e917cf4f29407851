"""A refused request answers the same way everywhere in the console and the portal: at the
KefuError's status, with its message in the page's language, by the form that was sent, and
with the error page when the work order cannot be shown."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client

import kefu.console.views
import kefu.portal.views
from kefu.customers.actions import CustomerDetails
from kefu.errors import KefuError
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def open_forms(html: str) -> list[str]:
    return re.findall(r'<details class="action" open>(.*?)</details>', html, re.S)


def in_language(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_refused_action_shows_its_error_in_the_form_sent(world: World, complaint: WorkOrder,
                                                          language: str) -> None:
    with pytest.raises(KefuError) as refused:
        actions.escalate_work_order(actor=world.supervisor, work_order_id=complaint.pk,
                                    reason="")
    client = in_language(world.client_for("supervisor"), language)

    response = client.post(f"/console/work-orders/{complaint.pk}/escalate/",
                           {"reason": "", "version": str(complaint.version)})

    assert response.status_code == refused.value.http_status
    html = response.content.decode()
    assert complaint.number in html  # the work order page, not the error page
    [form] = open_forms(html)
    assert f"/console/work-orders/{complaint.pk}/escalate/" in form
    assert (f'<div class="alert" role="alert">{refused.value.message(language)}</div>'
            in form)


def test_refused_transition_keeps_what_was_typed(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")

    response = client.post(f"/console/work-orders/{complaint.pk}/transitions/classify/",
                           {"version": str(complaint.version), "severity": "normal",
                            "note": "先核实号码"})

    assert response.status_code == 422
    [form] = open_forms(response.content.decode())
    assert 'data-transition="classify"' in form
    assert "先核实号码</textarea>" in form and "必填" in form
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_work_order_out_of_scope_is_the_error_page(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("sibling_handler")

    page = client.get(f"/console/work-orders/{complaint.pk}/")
    change = client.post(f"/console/work-orders/{complaint.pk}/notes/", {"note": "看看"})
    missing = in_language(world.client_for("agent"), "en").get("/console/work-orders/999999/")

    for response in (page, change):
        html = response.content.decode()
        assert response.status_code == 404
        assert '<div class="alert" role="alert">工单不存在</div>' in html
        assert complaint.number not in html and "处理轨迹" not in html
    assert missing.status_code == 404
    assert '<div class="alert" role="alert">No such work order</div>' in missing.content.decode()
    assert TimelineEvent.objects.filter(work_order=complaint).count() == 1


def test_htmx_request_gets_the_error_partial(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(KefuError) as refused:
        actions.escalate_work_order(actor=world.supervisor, work_order_id=complaint.pk,
                                    reason="")
    client = world.client_for("supervisor")
    partial = r'<span class="error" role="alert">([^<]+)</span>'

    swapped = client.post(f"/console/work-orders/{complaint.pk}/escalate/", {"reason": ""},
                          headers={"HX-Request": "true"})
    # The contact fragment is a partial however it is asked for.
    fragment = world.client_for("handler").post(
        f"/console/work-orders/{complaint.pk}/reveal/", {"reason": "核实"})

    assert swapped.status_code == refused.value.http_status and fragment.status_code == 403
    found = re.fullmatch(partial, swapped.content.decode().strip())
    assert found is not None and found.group(1) == refused.value.message("zh-hans")
    assert re.fullmatch(partial, fragment.content.decode().strip())


def test_portal_shows_a_refusal_by_its_form(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("customer")

    refused = client.post(f"/portal/orders/{complaint.pk}/classify/", {})
    english = in_language(world.client_for("customer"), "en").post(
        f"/portal/orders/{complaint.pk}/classify/", {})

    assert refused.status_code == english.status_code == 422
    assert complaint.title in refused.content.decode()  # the work order page again
    assert '<div class="alert" role="alert">不支持的操作</div>' in refused.content.decode()
    assert '<div class="alert" role="alert">Not available here</div>' in (
        english.content.decode())


def test_portal_work_order_of_another_customer_is_the_error_page(world: World) -> None:
    other, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, customer_id=None, customer=CustomerDetails(
            name="李娜", phone="13900001111", id_number="", address="广州市越秀区")))
    client = world.client_for("customer")

    page = client.get(f"/portal/orders/{other.pk}/")
    change = client.post(f"/portal/orders/{other.pk}/withdraw/", {"reason": "不需要了"})

    for response in (page, change):
        html = response.content.decode()
        assert response.status_code == 404
        assert '<div class="alert" role="alert">工单不存在</div>' in html
        assert other.number not in html and other.title not in html
    other.refresh_from_db()
    assert other.status == "received"


def _refusal_names() -> set[str]:
    found: set[str] = set()
    pending: list[type[KefuError]] = [KefuError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return found


def test_views_leave_refusals_to_the_one_handler() -> None:
    """Views let a KefuError propagate; kefu/console/error_handling.py answers it."""
    names = _refusal_names()
    views = [Path(kefu.console.views.__file__).parent, Path(kefu.portal.views.__file__)]
    sources = [p for v in views for p in (sorted(v.glob("*.py")) if v.is_dir() else [v])]
    assert len(sources) > 5
    caught = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                target = node.type
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                  and getattr(node.func, "id", getattr(node.func, "attr", "")) == "suppress"):
                target = ast.Tuple(elts=node.args)
            else:
                continue
            used = {getattr(n, "id", getattr(n, "attr", "")) for n in ast.walk(target)}
            if used & names:
                caught.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert caught == []
