from __future__ import annotations

from kefu.errors import Conflict, InvalidInput

__all__ = ["ArchivedRecord", "InvalidInput", "MissingFields"]


class MissingFields(InvalidInput):
    code = "missing_fields"


class ArchivedRecord(Conflict):
    code = "archived"
    is_evidence = True
