"""Template filters: masking for pages goes through the same functions as the API."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kefu.customers import masking
from kefu.errors import KefuError
from kefu.incidents.contents import required_mark
from kefu.incidents.models import Incident, NoticeChannel
from kefu.sla.choices import ClockState
from kefu.workorders.choices import Severity, WorkOrderStatus
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
def time_left(seconds: int) -> str:
    """3天4小时 / 2 d 4 h; late ones are prefixed 超时 / late."""
    english = (get_language() or "").startswith("en")
    late, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if english:
        parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
                 f"{minutes} min" if minutes and not days else ""]
        text = " ".join(p for p in parts if p) or "0 min"
        return f"late {text}" if late else text
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (
        f"{minutes}分钟" if minutes and not days else "") or "0分钟"
    return f"超时{text}" if late else text


@register.filter
def clock_state(value: str) -> str:
    return str(ClockState(value).label)


_RECORD_ITEMS = {
    "received_at": "受理时间", "content": "诉求内容", "category": "分类",
    "customer_name": "客户姓名", "contact": "联系方式", "address": "地址",
    "handler": "处理人员", "owner": "负责人", "process_and_result": "处理过程及结果",
    "handled_at": "处理时间", "closed_at": "完成时间", "customer_feedback": "客户反馈",
    "satisfaction_score": "满意度评分", "findings": "调查结论",
}


@register.filter
def record_item(name: str) -> str:
    """A required record item of 001 §4.4.1 by its name."""
    label = _RECORD_ITEMS.get(name, name)
    return name if (get_language() or "").startswith("en") else label


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def split(value: str) -> list[str]:
    """Words of a literal string, for a fixed list of choices in a template."""
    return value.split()


@register.filter
def severity_label(value: str) -> str:
    return str(Severity(value).label) if value in Severity.values else value


@register.filter
def notice_channel(value: str) -> str:
    return str(NoticeChannel(value).label) if value in NoticeChannel.values else value


@register.filter
def incident_field(name: str) -> str:
    """An incident report item by its field name, as the form labels it."""
    field = Incident._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@register.filter
def incident_mark(name: str) -> str:
    """The mark after an incident field's label: * required now, † before the first notice."""
    mark = required_mark(name)
    return f" {mark}" if mark else ""


_ARTICLE_ACTIONS = {
    "created": _("新建"), "edited": _("修改"), "submitted": _("提交审核"),
    "approved": _("审核通过并发布"), "rejected": _("驳回"), "withdrawn": _("撤回"),
    "expired": _("到期下线"), "expiry_warned": _("到期提醒"), "image_added": _("上传图片"),
}


@register.filter
def article_action(action: str) -> str:
    """A step in an article's history, as the page names it."""
    return str(_ARTICLE_ACTIONS.get(action, action))


@register.filter
def category_name(category: Any) -> str:
    """A category in the page's language: its English name on English pages, when it has
    one."""
    if not category:  # a draft's list row has no published category: the template gives ""
        return ""
    english = str(category.name_en or "") if hasattr(category, "name_en") else ""
    if english and (get_language() or "").startswith("en"):
        return english
    return str(category.name)
