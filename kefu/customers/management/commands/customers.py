from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.customers.actions import merge_duplicate_customers
from kefu.orgs.actors import SYSTEM


class Command(BaseCommand):
    help = ("`customers merge-duplicates` makes every mobile number one customer: the oldest "
            "record is kept and the others' work orders move to it, one audit entry per "
            "number; `--dry-run` only counts. Needed before the migration that makes numbers "
            "unique, harmless after it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["merge-duplicates"])
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = merge_duplicate_customers(actor=SYSTEM, dry_run=options["dry_run"])
        moved = ", ".join(f"{n} {label}" for label, n in sorted(stats.moved.items())) or "none"
        verb = "would merge" if options["dry_run"] else "merged"
        self.stdout.write(f"{verb} {stats.merged} duplicate customers of {stats.numbers} "
                          f"mobile numbers; rows moved: {moved}")
