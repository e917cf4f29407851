"""Work order numbers: TS-2026-00012345, one sequence per prefix and year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction

from kefu.workorders.choices import NUMBER_PREFIX
from kefu.workorders.models import NumberSequence

_SHANGHAI = ZoneInfo("Asia/Shanghai")
_BUMP = (
    "UPDATE workorders_numbersequence SET last_value = last_value + 1 "
    "WHERE prefix = %s AND year = %s RETURNING last_value"
)


def allocate_number(kind: str, at: datetime) -> str:
    """The next number for this kind and year. The row lock taken by the UPDATE is held until
    the intake transaction ends, so concurrent intakes get consecutive, unique numbers; a
    rolled-back intake gives its number back."""
    prefix = NUMBER_PREFIX[kind]
    year = at.astimezone(_SHANGHAI).year
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(_BUMP, [prefix, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{prefix}-{year}-{row[0]:08d}"
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, year=year, last_value=0)
        except IntegrityError:
            pass  # created by a concurrent intake; the UPDATE above now finds it
    raise RuntimeError(f"could not allocate a number for {prefix}-{year}")
