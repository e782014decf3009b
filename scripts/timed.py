#!/usr/bin/env python
"""Run a command and fail if it takes longer than a time limit (the book build's performance gate).

Usage::

    python scripts/timed.py --limit 60 --record _build/build_seconds.json -- jupyter-book build ...

Exits with the command's status if it fails, with 3 if it succeeds but takes more than
``--limit`` seconds of wall time, and 0 otherwise. The measured time is printed and, with
``--record``, written as JSON ``{"command", "seconds", "limit", "cpu_count"}``.
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
    parser.add_argument("--limit", type=float, required=True, help="allowed wall time in seconds")
    parser.add_argument("--record", type=Path, help="write the measurement to this JSON file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    if args.limit <= 0:
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
    verdict = "within" if seconds <= args.limit else "OVER"
    print(f"timed: {Path(command[0]).name} took {seconds:.1f} s ({verdict} the {args.limit:g} s limit)", flush=True)
    return 0 if seconds <= args.limit else 3


if __name__ == "__main__":
    sys.exit(main())
