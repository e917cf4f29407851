"""Numbers: work orders TS-2026-00012345, one sequence per prefix and year; archive numbers
GD-2026-00000123 (档号), one sequence per year of archiving."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction

from kefu.workorders.choices import NUMBER_PREFIX
from kefu.workorders.models import NumberSequence

_SHANGHAI = ZoneInfo("Asia/Shanghai")
ARCHIVE_PREFIX = "GD"
_BUMP = (
    "UPDATE workorders_numbersequence SET last_value = last_value + %s "
    "WHERE prefix = %s AND year = %s RETURNING last_value"
)


def reserve_numbers(prefix: str, year: int, count: int = 1) -> int:
    """Take `count` consecutive values of the sequence; returns the first. The row lock taken
    by the UPDATE is held until the caller's transaction ends, so concurrent callers get
    consecutive, unique values; a rolled-back transaction gives its values back."""
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(_BUMP, [count, prefix, year])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0]) - count + 1
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, year=year, last_value=0)
        except IntegrityError:
            pass  # created by a concurrent caller; the UPDATE above now finds it
    raise RuntimeError(f"could not reserve a number for {prefix}-{year}")


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:08d}"


def allocate_number(kind: str, at: datetime) -> str:
    """The next work order number for this kind and the year it was received."""
    prefix, year = NUMBER_PREFIX[kind], at.astimezone(_SHANGHAI).year
    return format_number(prefix, year, reserve_numbers(prefix, year))


def allocate_archive_number(at: datetime) -> str:
    """The next archive number of the year the record is archived in."""
    year = at.astimezone(_SHANGHAI).year
    return format_number(ARCHIVE_PREFIX, year, reserve_numbers(ARCHIVE_PREFIX, year))
