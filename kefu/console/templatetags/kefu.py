"""Template filters: masking for pages goes through the same functions as the API."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.customers import masking
from kefu.workorders.choices import WorkOrderStatus
from kefu.workorders.transitions import TRANSITIONS

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return masking.mask_phone(value or "")


@register.filter
def masked_name(value: str) -> str:
    return masking.mask_name(value or "")


@register.filter
def masked_id(value: str) -> str:
    return masking.mask_id_number(value or "")


@register.filter
def masked_address(value: str) -> str:
    return masking.mask_address(value or "")


@register.filter
def status_label(value: str) -> str:
    """The display name of a work order state code."""
    try:
        return str(WorkOrderStatus(value).label)
    except ValueError:
        return value


@register.filter
def transition_label(name: str) -> str:
    transition = TRANSITIONS.get(name)
    return transition.label_zh if transition else name


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None
