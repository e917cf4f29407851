from __future__ import annotations

from kefu.errors import KefuError


class RevealRefused(KefuError):
    code = "reveal_refused"
    http_status = 403
    is_evidence = True
