"""SMS gateways. The default writes each message to a log file so a machine without a real
gateway still shows what would have been sent (and the portal's one-time codes). That file
stands for the customer's phone; the server log, which operators and log collectors read, is
told only that a message went there, since its text may carry a bearer secret."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from kefu.customers.masking import mask_phone

log = logging.getLogger("kefu.sms")


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Deliver or raise; the dispatcher records either outcome."""


class LogSmsGateway:
    def __init__(self) -> None:
        self.path = Path(settings.DATA_DIR) / "sms.log"

    def send(self, phone: str, text: str) -> None:
        line = f"{datetime.now(UTC).isoformat()} to {mask_phone(phone)}: {text}\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        log.info("sms to %s written to %s (%s characters)", mask_phone(phone), self.path,
                 len(text))


@lru_cache(maxsize=1)
def _gateway_class(path: str) -> type[SmsGateway]:
    gateway: type[SmsGateway] = import_string(path)
    return gateway


def sms_gateway() -> SmsGateway:
    return _gateway_class(settings.KEFU_SMS_GATEWAY)()
