#!/usr/bin/env python
"""Run a command, print and record its wall time, and optionally check it against a time goal.

Usage::

    python scripts/timed.py --record _build/build_seconds.json -- jupyter-book build ...   # `make book`
    python scripts/timed.py --limit 60 -- jupyter-book build ...                          # `make bench-book`

`make book` only records the time: a slow machine still gets its book. The 60-second goal is a
benchmark (`make bench-book`): with ``--limit`` the script exits with 3 if the command succeeds
but takes more than ``--limit`` seconds. It exits with the command's status if the command fails,
and 0 otherwise. With ``--record`` the measurement is written as JSON
``{"command", "seconds", "limit", "cpu_count"}`` (``limit`` null without one).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, help="time goal in seconds (exit 3 when over it); none by default")
    parser.add_argument("--record", type=Path, help="write the measurement to this JSON file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    if args.limit is not None and args.limit <= 0:
        parser.error(f"--limit must be positive, got {args.limit}")
    t0 = time.perf_counter()
    rc = subprocess.call(command)
    seconds = time.perf_counter() - t0
    if args.record:
        args.record.parent.mkdir(parents=True, exist_ok=True)
        args.record.write_text(json.dumps({"command": command, "seconds": round(seconds, 1), "limit": args.limit,
                                           "cpu_count": os.cpu_count()}) + "\n", encoding="utf-8")
    if rc:
        return rc
    if args.limit is None:
        print(f"timed: {Path(command[0]).name} took {seconds:.1f} s", flush=True)
        return 0
    verdict = "within" if seconds <= args.limit else "OVER"
    print(f"timed: {Path(command[0]).name} took {seconds:.1f} s ({verdict} the {args.limit:g} s limit)", flush=True)
    return 0 if seconds <= args.limit else 3


if __name__ == "__main__":
    sys.exit(main())
