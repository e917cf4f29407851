"""Refusals are evidence (SPEC §15): an attempt refused for want of a right, or on a record
that is final, is written to the audit log with who tried what on which object and why,
although the change itself rolls back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from kefu.audit.actions import AuditRecord, record_audits
from kefu.audit.choices import AuditAction
from kefu.errors import KefuError
from kefu.orgs.actors import Actor

P = ParamSpec("P")
R = TypeVar("R")

# The keyword naming what an action changes, in the order an action's object is looked for.
_OBJECT_KEYS = ("work_order_id", "original_id", "plan_id", "extension_id", "request_id",
                "task_id", "entry_id", "incident_id", "customer_id", "unit_id", "day")


def _object(kwargs: dict[str, Any]) -> tuple[str, str]:
    for key in _OBJECT_KEYS:
        if kwargs.get(key) is not None:
            return key.removesuffix("_id"), str(kwargs[key])
    return "", ""


def audits_refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap an action (outside its transaction): when it raises an evidence error, append a
    `CHANGE_REFUSED` entry in a transaction of its own, then let the error go on."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except KefuError as error:
            actor = kwargs.get("actor")
            if error.is_evidence and isinstance(actor, Actor):
                object_type, object_id = _object(kwargs)
                with transaction.atomic():
                    record_audits([AuditRecord(actor, AuditAction.CHANGE_REFUSED, object_type,
                                               object_id, {
                                                   "change": fn.__name__, "code": error.code,
                                                   "reason": error.message_zh,
                                                   "reason_en": error.message_en})])
            raise

    return wrapper
