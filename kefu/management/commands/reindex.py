"""`kefu reindex`: build the search index again for existing rows, in batches."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.knowledge.actions import reindex_articles
from kefu.workorders.searching import reindex_all as reindex_work_orders

Reindexer = Callable[..., Iterable[tuple[int, int]]]
KINDS: dict[str, Reindexer] = {"work_orders": reindex_work_orders, "articles": reindex_articles}


def checkpoint(kind: str) -> Path:
    return Path(settings.DATA_DIR) / f"reindex-{kind}.checkpoint"


class Command(BaseCommand):
    help = ("Index existing rows for search again, a batch per transaction; --resume goes on "
            "after the last batch a stopped run finished.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", default=[],
                            help="what to index (default: everything)")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--resume", action="store_true",
                            help="start after the last id the previous run finished")

    def handle(self, *args: Any, **options: Any) -> None:
        if unknown := set(options["kinds"]) - KINDS.keys():
            raise CommandError(f"unknown kind(s): {', '.join(sorted(unknown))}; "
                               f"known: {', '.join(KINDS)}")
        for kind in options["kinds"] or list(KINDS):
            mark = checkpoint(kind)
            after = int(mark.read_text()) if options["resume"] and mark.exists() else 0
            total = 0
            for last_id, count in KINDS[kind](after_id=after, batch=max(1, options["batch"])):
                total += count
                mark.write_text(str(last_id))
                self.stdout.write(f"{kind}: {total} indexed, up to id {last_id}")
            mark.unlink(missing_ok=True)
            self.stdout.write(f"{kind}: done, {total} indexed"
                              + (f" after id {after}" if after else ""))
