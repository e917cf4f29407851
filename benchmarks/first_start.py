"""First start: seconds from `./scripts/run` on an empty data directory to the console's
login page answering 200, and to the demo data being fully loaded. Prints figures; asserts
nothing. The virtual environment is assumed to exist (a fresh clone pays for `pip install`
once, whatever this measures).

    python benchmarks/first_start.py [--port 8765] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def measure(port: int, timeout: float) -> tuple[float, float | None]:
    """(seconds to the login page, seconds until the demo finished loading or None)."""
    data_dir = Path(tempfile.mkdtemp(prefix="kefu-first-start-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KEFU_DATA_DIR=str(data_dir), KEFU_PORT=str(port), KEFU_ACCESS_LOG="/dev/null")
    log = (data_dir.parent / f"{data_dir.name}.log").open("w")
    started = time.monotonic()
    # Its own session, so the server, its workers and the demo loader stop together.
    server = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    login = loaded = None
    try:
        while time.monotonic() - started < timeout and server.poll() is None:
            if login is None and _status(f"http://127.0.0.1:{port}/console/login/") == 200:
                login = time.monotonic() - started
            if login is not None and not (data_dir / "demo-loading").exists() and \
                    (data_dir / "demo-logins.txt").exists():
                loaded = time.monotonic() - started
                break
            time.sleep(0.1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    if login is None:
        sys.exit(f"the login page did not answer within {timeout:.0f} s; see {log.name}")
    shutil.rmtree(data_dir, ignore_errors=True)
    Path(log.name).unlink()
    return login, loaded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        login, loaded = measure(args.port, args.timeout)
        demo = f"{loaded:.1f} s" if loaded is not None else "not finished"
        print(f"run {run}: login page 200 after {login:.1f} s; demo data loaded after {demo}")


if __name__ == "__main__":
    main()
