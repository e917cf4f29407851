"""Customers: masked by default; revealing is a logged action."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.api.schemas import CustomerOut, CustomerRevealedOut, RevealIn
from kefu.customers.actions import reveal_customer
from kefu.customers.models import Customer
from kefu.customers.queries import find_customers_by_phone, get_customer, list_customers

router = Router()


class CustomerQuery(Schema):
    phone: str | None = None
    before: int | None = None
    limit: int = 50


@router.get("", response=list[CustomerOut],
            summary="My units' customers; by `phone`, that number's customer in any unit")
def customers(request: HttpRequest, filters: Query[CustomerQuery]) -> list[Customer]:
    actor = actor_of(request)
    qs = find_customers_by_phone(actor, filters.phone) if filters.phone else list_customers(actor)
    if filters.before:
        qs = qs.filter(id__lt=filters.before)
    return list(qs.order_by("-id")[: max(1, min(filters.limit, 200))])


@router.get("/{customer_id}", response=CustomerOut, summary="One customer, masked")
def customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_customer(actor_of(request), customer_id)


@router.post("/{customer_id}/reveal", response=CustomerRevealedOut,
             summary="Reveal personal data (logged)")
def reveal(request: HttpRequest, customer_id: int, payload: RevealIn) -> Customer:
    return reveal_customer(actor=actor_of(request), customer_id=customer_id,
                           reason=payload.reason)
