"""Writes to customers, and revealing their personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count

from kefu.audit.actions import AuditRecord, record_audit, record_audits
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.customers.crypto import digest
from kefu.customers.errors import RevealRefused
from kefu.customers.models import Customer, CustomerLevel
from kefu.customers.queries import get_customer
from kefu.customers.validators import validate_id_number, validate_mobile
from kefu.errors import Conflict, InvalidInput
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
    """Create a customer in the caller's transaction; Conflict when the number already has
    one (SPEC §15). The audit entry is written now, or added to `audit_later` for a caller
    that writes its entries together at its end."""
    clean = clean_customer_details(details)
    key = digest(clean.phone)
    if Customer.objects.filter(phone_digest=key).exists():
        raise Conflict("该手机号码已有客户记录", "A customer with this mobile number exists",
                       fields={"phone": ["已有客户 / already a customer"]})
    customer = Customer.objects.create(
        name=clean.name, phone=clean.phone, phone_digest=key,
        id_number=clean.id_number, address=clean.address, email=clean.email, unit=unit,
    )
    record = AuditRecord(actor, AuditAction.CUSTOMER_CREATED, "customer", customer.pk,
                         {"unit": unit.pk})
    if audit_later is None:
        record_audits([record])
    else:
        audit_later.append(record)
    return customer


def customer_for_number(
    *, actor: Actor, details: CustomerDetails, unit: OrgUnit,
    audit_later: list[AuditRecord] | None = None,
) -> Customer:
    """The customer with this mobile number, whichever unit they belong to, or a new one of
    `unit` made from the details: one customer per number across the operator (SPEC §15).
    Runs in the caller's transaction, like `create_customer`."""
    try:
        number: str | None = validate_mobile(details.phone)
    except ValidationError:
        number = None  # create_customer refuses it, with whatever else is wrong
    if number is not None and (known := Customer.objects.filter(
            phone_digest=digest(number)).first()) is not None:
        return known
    try:
        # A savepoint: another intake may have created this number's customer since the read
        # above (PostgreSQL; SQLite takes one writer at a time). Then the unique constraint
        # refuses this insert, and the other's customer is the one.
        with transaction.atomic():
            return create_customer(actor=actor, details=details, unit=unit,
                                   audit_later=audit_later)
    except (IntegrityError, Conflict):
        if number is None:
            raise
        return Customer.objects.get(phone_digest=digest(number))


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


# Filled on the kept record from a duplicate when the kept one has none.
_FILLABLE = ("id_number", "address", "email")
_LEVEL_RANK = {level: rank for rank, level in enumerate(CustomerLevel.values)}


@dataclass
class MergeStats:
    numbers: int = 0  # mobile numbers that had more than one customer
    merged: int = 0  # duplicate records folded into the kept ones
    moved: dict[str, int] = field(default_factory=dict)  # rows re-pointed, per model


def merge_duplicate_customers(*, actor: Actor, dry_run: bool = False) -> MergeStats:
    """Make every mobile number one customer (SPEC §15), one transaction and one audit entry
    per number: the oldest record is kept; the rows that name a duplicate (its work orders)
    name the kept one instead; details the kept record lacks come from the newest duplicate
    that has them, the level is the highest; a duplicate's portal login passes to the kept
    record when it has none and is closed otherwise; the duplicates are deleted. Running it
    again finds nothing to do."""
    stats = MergeStats()
    shared = (Customer.objects.values("phone_digest").annotate(n=Count("id"))
              .filter(n__gt=1).order_by("phone_digest").values_list("phone_digest", "n"))
    for key, count in list(shared):
        stats.numbers += 1
        stats.merged += count - 1
        if not dry_run:
            for label, n in _merge_number(actor, key).items():
                stats.moved[label] = stats.moved.get(label, 0) + n
    return stats


@transaction.atomic(durable=True)
def _merge_number(actor: Actor, key: str) -> dict[str, int]:
    rows = list(Customer.objects.select_for_update().filter(phone_digest=key).order_by("id"))
    if len(rows) < 2:
        return {}  # merged by another run in the meantime
    kept, duplicates = rows[0], rows[1:]
    ids = [d.pk for d in duplicates]
    moved: dict[str, list[int]] = {}
    # Every table that names a customer, not only work orders: nothing may keep pointing at a
    # record about to be deleted (work orders PROTECT it).
    for relation in Customer._meta.related_objects:
        if not relation.one_to_many:  # the reverse side of a foreign key to the customer
            continue
        model, name = relation.related_model, relation.field.name
        manager = model._base_manager  # type: ignore[union-attr]
        pks = list(manager.filter(**{f"{name}__in": ids}).values_list("pk", flat=True))
        if pks:
            manager.filter(pk__in=pks).update(**{name: kept.pk})
            moved[model._meta.label_lower] = pks  # type: ignore[union-attr]
    filled = []
    for name in _FILLABLE:
        if not getattr(kept, name):
            value = next((getattr(d, name) for d in reversed(duplicates) if getattr(d, name)), "")
            if value:
                setattr(kept, name, value)
                filled.append(name)
    level = max((kept, *duplicates), key=lambda c: _LEVEL_RANK.get(c.level, 0)).level
    logins = [d.user_id for d in duplicates if d.user_id is not None]
    passed = None
    if kept.user_id is None and logins:
        passed = logins.pop(0)
    names_differ = any(d.name != kept.name for d in duplicates)
    Customer.objects.filter(pk__in=ids).delete()
    kept.level, kept.user_id = level, kept.user_id or passed
    kept.save(update_fields=["level", "user", *filled])
    if logins:
        # A portal login is only a shell for SMS codes, which now sign in the kept record.
        get_user_model().objects.filter(pk__in=logins).update(is_active=False)
    data: dict[str, Any] = {
        "kept": kept.pk, "merged": ids, "moved": moved, "filled": filled,
        "level": level, "login_passed": passed, "logins_closed": logins,
        # Which record's name stands, never the names themselves (personal data).
        "names_differed": names_differ,
    }
    record_audit(actor=actor, action=AuditAction.CUSTOMERS_MERGED, object_type="customer",
                 object_id=kept.pk, data=data)
    return {label: len(pks) for label, pks in moved.items()}
