"""One specification per transition: its input type is what the table requires, what the
action checks, what the dispatcher builds, what the console's form shows and what the API's
body carries."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kefu.api.schemas import TransitionIn
from kefu.console.fields import SPECS
from kefu.errors import REQUIRED, InvalidInput
from kefu.workorders import actions
from kefu.workorders.errors import MissingFields
from kefu.workorders.inputs import (
    Kind,
    TransitionInput,
    number,
    text,
    union_of_fields,
)
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.perform import perform_transition
from kefu.workorders.transitions import PERFORMERS, TRANSITIONS, performs
from tests.conftest import World, intake
from tests.test_api import token_client

# --- the table ---------------------------------------------------------------------------


def test_requires_is_the_input_types_required_fields() -> None:
    for t in TRANSITIONS.values():
        names = [f.name for f in t.inputs.fields_in_order()]
        assert set(t.requires) <= set(names), t.name
        assert t.requires == tuple(f.name for f in t.inputs.fields_in_order() if f.required)
    assert TRANSITIONS["classify"].requires == ("category_id", "severity")
    assert TRANSITIONS["close"].requires == ("is_confirmed_by_customer",)
    assert TRANSITIONS["reply"].requires == ("result", "process_summary", "measures",
                                             "suggestions", "cause_analysis", "reply_channel")
    assert TRANSITIONS["archive"].requires == ()


@pytest.mark.django_db
def test_the_api_lists_requires_by_field_name(world: World, complaint: WorkOrder) -> None:
    client, _ = token_client(world, "agent")
    moves = {m["name"]: m for m in
             client.get(f"/api/work-orders/{complaint.pk}/transitions").json()}
    assert moves["classify"]["requires"] == ["category_id", "severity"]
    assert moves["reject"]["requires"] == ["reject_reason", "note"]


def test_every_transition_has_exactly_one_registered_action() -> None:
    assert set(PERFORMERS) == set(TRANSITIONS)
    for name, action in PERFORMERS.items():
        takes = inspect.signature(action).parameters["inputs"].annotation
        assert takes == TRANSITIONS[name].inputs.__name__, name
    assert PERFORMERS["classify"] is actions.classify_work_order


def test_a_second_action_for_a_transition_is_refused() -> None:
    def classify_again(*, actor: Any, work_order_id: int, inputs: Any,
                       expected_version: int | None = None) -> Any:
        return None

    with pytest.raises(TypeError, match="already has its action"):
        performs("classify")(classify_again)
    assert PERFORMERS["classify"] is actions.classify_work_order
    with pytest.raises(TypeError, match="no transition"):
        performs("teleport")(classify_again)


# --- building inputs from loose values ----------------------------------------------------


def test_from_values_coerces_and_ignores_unknown_keys() -> None:
    built = actions.ClassifyInput.from_values({
        "category_id": "12", "severity": " normal ", "handler_id": "", "note": None,
        "reason": "not a classify field",
    })
    assert built == actions.ClassifyInput(category_id=12, severity="normal", handler_id=None)
    closing = actions.CloseInput.from_values({"is_confirmed_by_customer": "on",
                                              "satisfaction_score": 4})
    assert closing.is_confirmed_by_customer is True and closing.satisfaction_score == 4
    assert actions.CloseInput.from_values({}).is_confirmed_by_customer is False
    assert actions.CloseInput.from_values({"is_confirmed_by_customer": ""}) == \
        actions.CloseInput()
    methods = actions.StartInvestigationInput.from_values(
        {"investigation_methods": ["on_site", "interview"]})
    assert methods.investigation_methods == ("on_site", "interview")


def test_plan_fields_arrive_flat_and_make_the_plan() -> None:
    handling = actions.BeginHandlingInput.from_values({
        "plan_type": "compensation", "plan_description": " 退费 ",
        "compensation_type": "refund", "amount": "12.50",
    })
    assert handling.amount == Decimal("12.50")
    assert handling.plan == actions.PlanInput("compensation", "退费", "refund", Decimal("12.50"))
    assert actions.BeginHandlingInput.from_values({"amount": ""}).amount is None


@pytest.mark.parametrize(("cls", "name", "value"), [
    (actions.ClassifyInput, "category_id", "abc"),
    (actions.CloseInput, "satisfaction_score", "4.5"),
    (actions.StartProcessingInput, "amount", "12元"),
])
def test_an_unparsable_number_is_refused_naming_the_field(
        cls: type[TransitionInput], name: str, value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        cls.from_values({name: value})
    assert list(refused.value.fields) == [name]


def test_two_inputs_declaring_one_name_differently_fail_loudly() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Counted(TransitionInput):
        target_number: int | None = number()

    @dataclass(frozen=True, kw_only=True)
    class Longer(TransitionInput):
        note: str = text(max_length=99999)

    with pytest.raises(TypeError, match="target_number"):
        union_of_fields([actions.MergeInput, Counted])
    with pytest.raises(TypeError, match="note"):
        union_of_fields([actions.ResumeInput, Longer])


# --- the action checks the spec -----------------------------------------------------------


@pytest.mark.django_db
def test_too_long_text_is_refused_by_the_action(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.request_customer_info(actor=world.agent, work_order_id=complaint.pk,
                                      inputs=actions.RequestInfoInput(question="截" * 5001))
    assert not isinstance(refused.value, MissingFields)
    assert list(refused.value.fields) == ["question"]
    assert "5000" in refused.value.fields["question"][0]
    complaint.refresh_from_db()
    assert complaint.version == 1 and complaint.status == "received"
    actions.request_customer_info(actor=world.agent, work_order_id=complaint.pk,
                                  inputs=actions.RequestInfoInput(question="截" * 5000))


@pytest.mark.django_db
def test_a_value_outside_its_choices_is_refused_naming_the_field(
        world: World, complaint: WorkOrder) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.reject_work_order(actor=world.agent, work_order_id=complaint.pk,
                                  inputs=actions.RejectInput(reject_reason="bored", note="x"))
    assert list(refused.value.fields) == ["reject_reason"]
    assert "duplicate" in refused.value.fields["reject_reason"][0]
    actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    with pytest.raises(InvalidInput) as methods:
        actions.start_investigation(
            actor=world.handler, work_order_id=complaint.pk,
            inputs=actions.StartInvestigationInput(investigation_methods=["on_site", "psychic"]))
    assert list(methods.value.fields) == ["investigation_methods"]
    complaint.refresh_from_db()
    assert complaint.status == "classified"


@pytest.mark.django_db
def test_missing_fields_come_before_invalid_ones(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(MissingFields) as refused:
        actions.reject_work_order(actor=world.agent, work_order_id=complaint.pk,
                                  inputs=actions.RejectInput(reject_reason="bored", note="  "))
    assert refused.value.fields == {"note": [REQUIRED]}
    assert refused.value.message_zh == "「不予受理」缺少必填内容"


@pytest.mark.django_db
def test_staff_close_needs_the_confirmation_box(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="已解答", reply_channel="phone"))
    with pytest.raises(MissingFields) as refused:
        actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                                 inputs=actions.CloseInput())
    assert refused.value.fields == {"is_confirmed_by_customer": [REQUIRED]}
    page = world.client_for("agent").post(f"/console/work-orders/{wo.pk}/transitions/close/",
                                          {"version": "2"}).content.decode()
    form = page.split('data-transition="close"')[1].split("</form>")[0]
    checkbox = form.split('name="is_confirmed_by_customer"')[1].split('</div>')[0]
    assert REQUIRED in checkbox  # the error sits by the box it is about


@pytest.mark.django_db
def test_the_dispatcher_builds_the_input_from_form_strings(world: World,
                                                           complaint: WorkOrder) -> None:
    wo = perform_transition(actor=world.agent, work_order_id=complaint.pk, name="classify",
                            values={"category_id": str(world.category.pk),
                                    "severity": "normal", "handler_id": "", "note": " 已分类 "})
    assert wo.category_id == world.category.pk and wo.status == "classified"
    event = TimelineEvent.objects.filter(work_order=wo).order_by("-id").first()
    assert event is not None and event.note == "已分类"


# --- the console and the API follow the spec ----------------------------------------------


def test_every_input_field_has_a_console_spec_of_a_fitting_widget() -> None:
    widgets = {Kind.FLAG: {"checkbox"}, Kind.MANY: {"multiselect"},
               Kind.NUMBER: {"number", "category", "staff"}, Kind.MONEY: {"number"},
               Kind.PICK: {"select"}, Kind.TEXT: {"text", "textarea"}}
    for t in TRANSITIONS.values():
        for f in t.inputs.fields_in_order():
            assert f.name in SPECS, f"{t.name}.{f.name} has no console spec"
            assert SPECS[f.name].widget in widgets[f.kind], f"{t.name}.{f.name}"
            if f.kind is Kind.PICK:
                offered = {value for value, _ in SPECS[f.name].choices if value}
                assert offered == set(f.allowed), f"{t.name}.{f.name}"


@pytest.mark.django_db
def test_the_classify_form_marks_its_required_fields(world: World,
                                                     complaint: WorkOrder) -> None:
    page = world.client_for("agent").get(f"/console/work-orders/{complaint.pk}/").content.decode()
    form = page.split('data-transition="classify"')[1].split("</form>")[0]
    labels = {label.split('"', 1)[0]: label.split(">", 1)[1].split("</label>")[0]
              for label in form.split('<label for="classify-')[1:]}
    assert list(labels) == ["category_id", "severity", "handler_id", "note"]
    assert [name for name, text in labels.items() if text.endswith(" *")] == [
        "category_id", "severity"]


def test_the_api_body_is_the_union_of_the_input_fields() -> None:
    union = union_of_fields(t.inputs for t in TRANSITIONS.values())
    body = TransitionIn.model_fields
    assert set(body) == set(union)
    for name, spec in union.items():
        lengths = [m.max_length for m in body[name].metadata if hasattr(m, "max_length")]
        assert lengths == ([spec.max_length] if spec.max_length else []), name
    assert body["note"].default == "" and body["amount"].default is None
    assert body["investigation_methods"].default == []
    assert body["is_confirmed_by_customer"].default is False


@pytest.mark.django_db
def test_the_api_refuses_too_long_text_before_the_action(world: World,
                                                         complaint: WorkOrder) -> None:
    client, _ = token_client(world, "agent")
    response = client.post(f"/api/work-orders/{complaint.pk}/transitions/request_info",
                           data={"question": "截" * 5001}, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["question"]
    complaint.refresh_from_db()
    assert complaint.version == 1


@pytest.mark.django_db
def test_the_openapi_document_describes_the_derived_body() -> None:
    document = Client().get("/api/openapi.json").json()
    body = document["paths"]["/api/work-orders/{wo_id}/transitions/{name}"]["post"][
        "requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    union = union_of_fields(t.inputs for t in TRANSITIONS.values())
    assert set(schema["properties"]) == set(union)
    assert schema["properties"]["question"]["maxLength"] == 5000
    assert schema["properties"]["findings"]["maxLength"] == 10000
