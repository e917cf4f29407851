from __future__ import annotations

from kefu.errors import InvalidInput


class ScheduleFileInvalid(InvalidInput):
    code = "schedule_file_invalid"
