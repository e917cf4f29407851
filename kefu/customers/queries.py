"""Reads of customers, always through the actor's scope.

Units scope work orders, not the customer's identity (SPEC §15): one mobile number is one
customer across the operator. So a member of staff finds any customer by their exact number,
and opens a customer's record when the customer belongs to a unit in their scope or when their
scope holds one of the customer's work orders; browsing lists only their units' customers."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from kefu.customers.crypto import digest
from kefu.customers.models import Customer
from kefu.customers.validators import normalise_phone
from kefu.errors import NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.queries import unit_ids_in_scope

# Whether the actor's scope holds a work order of the customer (actor, customer id). Declared
# by the work order kernel, which this module sits below and may not import.
ServesCustomer = Callable[[Actor, int], bool]
_serves_customer: list[ServesCustomer] = []


def serves_customers(fn: ServesCustomer) -> ServesCustomer:
    """Declare a reason a member of staff may open a customer beyond their units' own."""
    if fn not in _serves_customer:
        _serves_customer.append(fn)
    return fn


def list_customers(actor: Actor) -> QuerySet[Customer]:
    """Customers of the units in scope; a customer sees only themself."""
    if actor.is_customer and actor.customer_id is not None:
        return Customer.objects.filter(pk=actor.customer_id)
    if actor.is_system:
        return Customer.objects.all()
    if not actor.is_staff:
        return Customer.objects.none()
    return Customer.objects.filter(unit_id__in=unit_ids_in_scope(actor))


def find_customer(actor: Actor, customer_id: int) -> Customer | None:
    """One customer of a unit in scope, or one whose work order the actor's scope holds;
    None otherwise."""
    customer = list_customers(actor).filter(pk=customer_id).first()
    if customer is None and actor.is_staff and any(
            serves(actor, customer_id) for serves in _serves_customer):
        customer = Customer.objects.filter(pk=customer_id).first()
    return customer


def get_customer(actor: Actor, customer_id: int) -> Customer:
    """`find_customer`, or NotFound (never 'forbidden')."""
    customer = find_customer(actor, customer_id)
    if customer is None:
        raise NotFound("客户不存在", "No such customer")
    return customer


def find_customers_by_phone(actor: Actor, phone: str) -> QuerySet[Customer]:
    """The customer with this mobile number (one at most), through its digest. Staff find
    them whichever unit they belong to: a caller's number is who they are across the
    operator. A customer finds only themself."""
    key = digest(normalise_phone(phone))
    if actor.is_staff or actor.is_system:
        return Customer.objects.filter(phone_digest=key)
    return list_customers(actor).filter(phone_digest=key)
