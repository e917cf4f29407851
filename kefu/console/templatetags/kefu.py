"""Template filters: masking for pages goes through the same functions as the API."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from kefu.customers import masking
from kefu.errors import KefuError
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
    """The transition's name in the page's language."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        return name
    return transition.label_en if (get_language() or "").startswith("en") else transition.label_zh


@register.filter
def error_message(error: KefuError) -> str:
    return error.message(get_language() or "zh-hans")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None
