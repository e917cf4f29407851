"""Receiving a matter: the intake form, the customer lookup and the customer 360 page."""


from __future__ import annotations

from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kefu.console.error_handling import renders_errors
from kefu.console.views.base import parse_int, staff_view
from kefu.customers.actions import CustomerDetails
from kefu.customers.queries import find_customer, find_customers_by_phone, get_customer
from kefu.errors import KefuError
from kefu.orgs.actors import Actor
from kefu.orgs.queries import list_units_in_scope
from kefu.workorders import actions
from kefu.workorders.choices import (
    Channel,
    Severity,
    WorkOrderKind,
)
from kefu.workorders.queries import (
    WorkOrderFilter,
    find_possible_duplicates,
    list_categories,
    list_work_orders,
)

INTAKE_FIELDS = ("kind", "channel", "call_id", "title", "content", "customer_name",
                 "customer_phone", "customer_id_number", "customer_address", "category",
                 "severity", "unit", "customer_id", "confirm_duplicate")

def _intake_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """The intake form as sent, with its choices and the customer it was opened for."""
    values = {f: request.POST.get(f, "").strip() for f in INTAKE_FIELDS}
    chosen_id = parse_int(request.GET.get("customer") or values["customer_id"])
    return {
        "actor": actor, "values": values, "errors": None,
        "kinds": WorkOrderKind.choices, "channels": Channel.choices,
        "severities": Severity.choices, "categories": list_categories(),
        "units": list_units_in_scope(actor),
        # A customer the actor may not open is dropped, as if none had been chosen; one of
        # another unit is still found by the number typed (customer_lookup).
        "chosen": find_customer(actor, chosen_id) if chosen_id else None,
    }

def _intake_form(request: HttpRequest, error: KefuError, actor: Actor) -> HttpResponse:
    """The intake form again, as it was filled in, with the refusal."""
    return render(request, "console/intake.html",
                  {**_intake_context(request, actor), "errors": error})

@require_http_methods(["GET", "POST"])
@staff_view
@renders_errors(_intake_form)
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    context = _intake_context(request, actor)
    values, chosen = context["values"], context["chosen"]
    chosen_id = chosen.pk if chosen else None
    if request.method == "GET":
        context["values"] = {"kind": "complaint", "channel": "phone", "severity": "normal",
                             "unit": str(actor.unit_id), "customer_id": chosen_id or ""}
        return render(request, "console/intake.html", context)
    known = chosen_id
    if known is None and values["customer_phone"]:
        match = find_customers_by_phone(actor, values["customer_phone"]).first()
        known = match.pk if match else None
    duplicates = (find_possible_duplicates(actor, customer_id=known,
                                           category_id=parse_int(values["category"]))
                  if known else [])
    if duplicates and values["confirm_duplicate"] != "on":
        # 30-day repeat of the same matter: offer merge or link before creating another.
        context["duplicates"] = duplicates
        return render(request, "console/intake.html", context, status=409)
    intake_data = actions.Intake(
        kind=values["kind"], channel=values["channel"], call_id=values["call_id"],
        title=values["title"], content=values["content"], customer_id=chosen_id,
        customer=None if chosen_id else CustomerDetails(
            name=values["customer_name"], phone=values["customer_phone"],
            id_number=values["customer_id_number"], address=values["customer_address"],
        ),
        category_id=parse_int(values["category"]), severity=values["severity"] or "normal",
        unit_id=parse_int(values["unit"]),
    )
    wo, _ = actions.create_work_order(
        actor=actor, intake=intake_data,
        idempotency_key=request.POST.get("idempotency_key") or None,
    )
    return HttpResponseRedirect(reverse("console:detail", args=[wo.pk]))

@require_POST
@staff_view
def customer_lookup(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The customer with this exact number, whichever unit they belong to, masked, with their
    recent work orders in the actor's scope (an htmx fragment)."""
    phone = request.POST.get("customer_phone", "").strip()
    customers = list(find_customers_by_phone(actor, phone)[:1]) if len(phone) >= 11 else []
    for customer in customers:
        customer.recent = list_work_orders(  # type: ignore[attr-defined]
            actor, WorkOrderFilter(customer_id=customer.pk), limit=5)
        customer.can_open = (  # type: ignore[attr-defined]
            find_customer(actor, customer.pk) is not None)
    return render(request, "console/_customer_matches.html",
                  {"customers": customers, "phone": phone})

@staff_view
def customer_view(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    """Customer 360: masked details and every work order of theirs in scope, all channels."""
    customer = get_customer(actor, customer_id)
    orders = list_work_orders(actor, WorkOrderFilter(customer_id=customer.pk), limit=200)
    return render(request, "console/customer.html",
                  {"actor": actor, "customer": customer, "orders": orders})

