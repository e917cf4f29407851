"""Writes to customers, and revealing their personal data."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.audit.actions import AuditRecord, record_audit, record_audits
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.customers.crypto import digest
from kefu.customers.errors import RevealRefused
from kefu.customers.models import Customer
from kefu.customers.queries import get_customer
from kefu.customers.validators import validate_id_number, validate_mobile
from kefu.errors import InvalidInput
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit
from kefu.orgs.permissions import Capability, has_capability


@dataclass(frozen=True)
class CustomerDetails:
    name: str
    phone: str
    id_number: str = ""
    address: str = ""
    email: str = ""


def clean_customer_details(details: CustomerDetails) -> CustomerDetails:
    """Validated, normalised details; InvalidInput with per-field errors otherwise."""
    errors: dict[str, list[str]] = {}
    phone = id_number = ""
    if not details.name.strip():
        errors["name"] = ["请填写客户姓名 / Name is required"]
    try:
        phone = validate_mobile(details.phone)
    except ValidationError as exc:
        errors["phone"] = [str(m) for m in exc.messages]
    if details.id_number.strip():
        try:
            id_number = validate_id_number(details.id_number)
        except ValidationError as exc:
            errors["id_number"] = [str(m) for m in exc.messages]
    if errors:
        raise InvalidInput("客户信息有误", "Customer details are invalid", fields=errors)
    return CustomerDetails(
        name=details.name.strip(), phone=phone, id_number=id_number,
        address=details.address.strip(), email=details.email.strip(),
    )


def create_customer(
    *, actor: Actor, details: CustomerDetails, unit: OrgUnit,
    audit_later: list[AuditRecord] | None = None,
) -> Customer:
    """Create a customer in the caller's transaction. The audit entry is written now, or
    added to `audit_later` for a caller that writes its entries together at its end."""
    clean = clean_customer_details(details)
    customer = Customer.objects.create(
        name=clean.name, phone=clean.phone, phone_digest=digest(clean.phone),
        id_number=clean.id_number, address=clean.address, email=clean.email, unit=unit,
    )
    record = AuditRecord(actor, AuditAction.CUSTOMER_CREATED, "customer", customer.pk,
                         {"unit": unit.pk})
    if audit_later is None:
        record_audits([record])
    else:
        audit_later.append(record)
    return customer


# What a reveal unmasks (the API's revealed customer, the console's revealed contact), named in
# its audit entry so the log says which personal data a person saw (001 §4.5.2).
REVEALED_FIELDS = ("name", "phone", "id_number", "address", "email")


def check_reveal_reason(actor: Actor, reason: str) -> None:
    """Revealing without handling the matter needs the permission and a typed reason."""
    if not has_capability(actor.role, Capability.REVEAL_PERSONAL_DATA):
        raise RevealRefused("您无权查看完整个人信息", "You may not reveal personal data")
    if len(reason.strip()) < 4:
        raise InvalidInput(
            "请填写查看原因（至少4个字）", "Give a reason of at least 4 characters",
            fields={"reason": ["必填 / required"]},
        )


@audits_refusals
@transaction.atomic
def reveal_customer(*, actor: Actor, customer_id: int, reason: str) -> Customer:
    """The customer with unmasked fields, written to the audit log with the reason."""
    customer = get_customer(actor, customer_id)
    check_reveal_reason(actor, reason)
    record_audit(
        actor=actor, action=AuditAction.PERSONAL_DATA_REVEALED, object_type="customer",
        object_id=customer.pk, data={"fields": list(REVEALED_FIELDS), "reason": reason.strip()},
    )
    return customer
