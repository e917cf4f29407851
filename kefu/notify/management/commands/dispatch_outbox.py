from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.notify.dispatcher import dispatch_once


class Command(BaseCommand):
    help = "Deliver due outbox messages once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        stats = dispatch_once(options["limit"])
        self.stdout.write(
            f"claimed {stats.claimed}, sent {stats.sent}, skipped {stats.skipped}, "
            f"failed {stats.failed}"
        )
