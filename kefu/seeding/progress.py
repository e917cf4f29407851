"""Where the loading of the demo's history stands, kept in a file of the data directory.

On first start `scripts/run` loads the organisation, the logins and the customers, then serves
while a separate process takes the demo's work orders through the lifecycle (decision 0021).
The file says that this is under way and how far it got: the server holds its clock sweeps back
while it exists and the login page shows the count; a load that was interrupted resumes from it
on the next start. Nothing here touches the database, so the gunicorn master can read it."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

FILE_NAME = "demo-loading"


@dataclass(frozen=True)
class DemoLoad:
    seed: int
    total: int  # work orders the demo loads
    done: int  # work orders taken to their end state so far
    first_customer_id: int  # the demo's customers, created before the load began
    last_customer_id: int
    has_incidents: bool = False  # the incidents come after the work orders


def read_demo_load(data_dir: Path) -> DemoLoad | None:
    """The load under way, or None when none is (never begun, finished, or a file that is
    not ours: nothing could resume from it)."""
    try:
        return DemoLoad(**json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def is_demo_loading(data_dir: Path) -> bool:
    return read_demo_load(data_dir) is not None


def write_demo_load(data_dir: Path, load: DemoLoad) -> None:
    """Replace the file in one step, so a reader never sees half of it."""
    path = data_dir / FILE_NAME
    draft = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    draft.write_text(json.dumps(asdict(load)), encoding="utf-8")
    draft.chmod(0o600)
    os.replace(draft, path)


def finish_demo_load(data_dir: Path) -> None:
    (data_dir / FILE_NAME).unlink(missing_ok=True)


@contextmanager
def demo_load_lock(data_dir: Path) -> Iterator[bool]:
    """Whether this process holds the loader's lock (two loaders would write the same work
    orders twice); held until the block ends, or the process does."""
    with (data_dir / f".{FILE_NAME}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def start_demo_loader(data_dir: Path) -> subprocess.Popen[bytes] | None:
    """Start `kefu seed --resume` beside the server when a load is under way. It writes to
    the server's terminal, so its progress shows there."""
    if not is_demo_loading(data_dir):
        return None
    return subprocess.Popen([sys.executable, "-m", "kefu.cli", "seed", "--resume"])
