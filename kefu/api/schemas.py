"""API shapes. Personal data leaves only through these resolvers, masked."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ninja import Schema
from pydantic import Field, create_model

from kefu.customers.masking import mask_address, mask_email, mask_id_number, mask_name, mask_phone
from kefu.customers.models import Customer
from kefu.workorders.inputs import Kind, union_of_fields
from kefu.workorders.models import WorkOrder
from kefu.workorders.transitions import TRANSITIONS


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    id_number: str
    address: str
    email: str
    level: str
    unit_id: int

    @staticmethod
    def resolve_name(obj: Customer) -> str:
        return mask_name(obj.name)

    @staticmethod
    def resolve_phone(obj: Customer) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number(obj: Customer) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_address(obj: Customer) -> str:
        return mask_address(obj.address)

    @staticmethod
    def resolve_email(obj: Customer) -> str:
        return mask_email(obj.email) if obj.email else ""


class CustomerRevealedOut(Schema):
    """Unmasked, returned only by the reveal endpoint, which writes the audit entry."""

    id: int
    name: str
    phone: str
    id_number: str
    address: str
    email: str


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=5, max_length=20)
    id_number: str = ""
    address: str = Field("", max_length=200)
    email: str = Field("", max_length=200)


class RevealIn(Schema):
    reason: str = Field("", max_length=500)


class Ref(Schema):
    id: int
    name: str


class StaffRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)


class WorkOrderOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    status_label: str
    channel: str
    call_id: str
    severity: str
    category: Ref | None
    customer: CustomerOut
    contact_name: str
    contact_phone: str
    title: str
    content: str
    unit: Ref
    owner: StaffRef | None
    handler: StaffRef | None
    received_at: datetime
    classified_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    archived_at: datetime | None
    reopen_count: int
    is_escalated: bool
    merged_into: str | None
    findings: str
    responsible_party: str
    investigation_methods: list[str]
    satisfaction_score: int | None
    archive_number: str
    tier: int
    next_due_at: datetime | None
    is_overdue: bool
    version: int

    @staticmethod
    def resolve_status_label(obj: WorkOrder) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_contact_name(obj: WorkOrder) -> str:
        return mask_name(obj.contact_name)

    @staticmethod
    def resolve_contact_phone(obj: WorkOrder) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_merged_into(obj: WorkOrder) -> str | None:
        return obj.merged_into.number if obj.merged_into_id and obj.merged_into else None


class WorkOrderListItem(Schema):
    id: int
    number: str
    kind: str
    status: str
    severity: str
    channel: str
    title: str
    category_id: int | None
    unit_id: int
    handler_id: int | None
    customer_name: str
    customer_phone: str
    received_at: datetime
    next_due_at: datetime | None
    is_overdue: bool
    version: int

    @staticmethod
    def resolve_customer_name(obj: WorkOrder) -> str:
        return mask_name(obj.customer.name)

    @staticmethod
    def resolve_customer_phone(obj: WorkOrder) -> str:
        return mask_phone(obj.customer.phone)


class WorkOrderPage(Schema):
    items: list[WorkOrderListItem]
    next_before: int | None = Field(
        None, description="Pass as `before` to get the next page; null on the last page."
    )


class WorkOrderIn(Schema):
    kind: str
    channel: str
    title: str = Field(max_length=200)
    content: str = Field(max_length=20000)
    customer_id: int | None = None
    customer: CustomerIn | None = None
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    call_id: str = Field("", max_length=64)
    category_id: int | None = None
    severity: str = "normal"
    unit_id: int | None = None
    received_at: datetime | None = None


# One body for every transition: the union of the transitions' input fields, each with its
# maximum length and its default, so that a field added to an input type reaches the API by
# itself. Each transition requires its own (see `requires` in GET /work-orders/{id}/transitions).
_API_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str, Kind.PICK: str, Kind.MANY: list[str], Kind.NUMBER: int | None,
    Kind.FLAG: bool, Kind.MONEY: Decimal | None,
}


def _transition_body() -> type[Schema]:
    fields: dict[str, Any] = {
        spec.name: (_API_TYPES[spec.kind],
                    Field([] if spec.kind is Kind.MANY else spec.default,
                          max_length=spec.max_length))
        for spec in union_of_fields(t.inputs for t in TRANSITIONS.values()).values()
    }
    return create_model(
        "TransitionIn", __base__=Schema,
        __doc__="Fields for every transition; each transition requires its own (see "
                "`requires` in GET /work-orders/{id}/transitions).",
        **fields,
    )


if TYPE_CHECKING:
    TransitionIn = Schema
else:
    TransitionIn = _transition_body()


class TransitionOut(Schema):
    name: str
    label_zh: str
    label_en: str
    target: str | None
    requires: list[str]


class TimelineEventOut(Schema):
    id: int
    at: datetime
    event_type: str
    transition: str
    from_status: str
    to_status: str
    actor_role: str
    actor_name: str
    note: str
    data: dict[str, Any]
    is_customer_visible: bool


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by_name: str


class AssignIn(Schema):
    handler_id: int
    note: str = ""


class PlanDecisionIn(Schema):
    is_approved: bool
    note: str = ""


class ClockOut(Schema):
    clock: str
    label: str
    state: str
    started_at: datetime
    deadline: datetime
    warn_at: datetime
    is_provisional: bool
    is_warned: bool
    seconds_left: int = Field(description="Clock time left; working time for working-day "
                                          "limits, negative when late")
    source: str


class EscalateIn(Schema):
    reason: str = Field(max_length=2000)
    tier: int | None = Field(None, description="2 province, 1 HQ: that unit takes it over; "
                                               "empty only marks it escalated")


class ExtensionIn(Schema):
    working_days: int
    reason: str = Field(max_length=2000)


class ExtensionOut(Schema):
    id: int
    working_days: int
    reason: str
    status: str
    requested_by_name: str
    decided_by_name: str
    decision_note: str


class LegalHoldOut(Schema):
    id: int
    reason: str
    set_by_name: str
    set_at: datetime
    lifted_at: datetime | None
    lift_reason: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: str
    parent_id: int | None
