"""Changes of business configuration (time limits, approval thresholds, sampling, retention,
categories) are audited with their values before and after (SPEC §15), whoever makes them
and through whichever door. The admin saves through these actions."""

from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, granted


def _values(obj: models.Model) -> dict[str, Any]:
    """The row's stored values, as the audit's JSON keeps them."""
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
              if not f.primary_key}
    return dict(json.loads(json.dumps(fields, default=str)))


def _check(actor: Actor) -> None:
    granted(actor.role, Capability.CONFIGURE_BUSINESS_RULES, "只有系统管理员可以修改业务配置",
            "Only administrators change business configuration").enforce()


def _label(obj: models.Model) -> str:
    return str(obj._meta.label_lower)


@audits_refusals
@transaction.atomic(durable=True)
def save_configuration(*, actor: Actor, obj: models.Model) -> None:
    """Save a configuration row; the audit entry lists each changed field before and after
    (every field for a new row)."""
    _check(actor)
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    before = _values(stored) if stored is not None else {}
    obj.full_clean()
    obj.save()
    after = _values(obj)
    changed = [name for name in after if before.get(name) != after[name]]
    record_audit(actor=actor, action=AuditAction.CONFIGURATION_CHANGED,
                 object_type=_label(obj), object_id=obj.pk, data={
                     "created": stored is None,
                     "before": {name: before.get(name) for name in changed},
                     "after": {name: after[name] for name in changed}})


@audits_refusals
@transaction.atomic(durable=True)
def delete_configuration(*, actor: Actor, obj: models.Model) -> None:
    _check(actor)
    before, object_id = _values(obj), obj.pk
    obj.delete()
    record_audit(actor=actor, action=AuditAction.CONFIGURATION_DELETED,
                 object_type=_label(obj), object_id=str(object_id),
                 data={"before": before, "after": None})
