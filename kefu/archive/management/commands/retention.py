from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.archive.actions import run_retention


class Command(BaseCommand):
    help = ("`retention run` anonymises or purges archived records past their retention, "
            "skipping legal holds; `--dry-run` only prints what it would do.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["run"])
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = run_retention(dry_run=options["dry_run"])
        due = ", ".join(f"{n} to {action}" for action, n in stats.due.items()) or "none"
        if options["dry_run"]:
            head = f"dry run: would handle {sum(stats.due.values())}"
        else:
            head = f"handled {stats.done}"
        self.stdout.write(f"{head} work orders past retention ({due}); "
                          f"{stats.held} kept on legal hold")
