"""Pure hashing of audit links: no ORM, so `verify` and `append` cannot disagree."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def link_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_role: str,
    actor_user_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": [actor_role, actor_user_id, actor_name],
            "action": action,
            "object": [object_type, object_id],
            "data": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
