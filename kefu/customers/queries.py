"""Reads of customers, always through the actor's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.customers.crypto import digest
from kefu.customers.models import Customer
from kefu.customers.validators import normalise_phone
from kefu.errors import NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.queries import unit_ids_in_scope


def list_customers(actor: Actor) -> QuerySet[Customer]:
    """Customers of the units in scope; a customer sees only themself."""
    if actor.is_customer and actor.customer_id is not None:
        return Customer.objects.filter(pk=actor.customer_id)
    if actor.is_system:
        return Customer.objects.all()
    if not actor.is_staff:
        return Customer.objects.none()
    return Customer.objects.filter(unit_id__in=unit_ids_in_scope(actor))


def get_customer(actor: Actor, customer_id: int) -> Customer:
    """One customer in scope; NotFound (never 'forbidden') outside it."""
    try:
        return list_customers(actor).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise NotFound("客户不存在", "No such customer") from None


def find_customers_by_phone(actor: Actor, phone: str) -> QuerySet[Customer]:
    """Exact match on the normalised mobile number, through its digest."""
    return list_customers(actor).filter(phone_digest=digest(normalise_phone(phone)))
