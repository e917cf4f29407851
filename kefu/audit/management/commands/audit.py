from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.audit.queries import verify_audit_chain


class Command(BaseCommand):
    help = "Audit log tools: `audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_audit_chain()
        if result.ok:
            self.stdout.write(f"OK {result.rows} rows")
            return
        raise CommandError(
            f"BROKEN at row {result.broken_seq}: {result.reason} "
            f"({result.rows} rows verified before it)"
        )
