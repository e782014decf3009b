"""The sanitizer nbval applies (`make nbval` passes tests/nbval_sanitize.cfg), parsed by nbval itself.

Shared by the tests that check it (test_packaging.py on examples, test_determinism.py on the
stored outputs of every page).
"""
from __future__ import annotations

import re
from pathlib import Path

from nbval.plugin import get_sanitize_patterns

CONFIG = Path(__file__).with_name("nbval_sanitize.cfg")


def patterns() -> list[tuple[str, str]]:
    """The (regex, replace) pairs, in the order nbval applies them."""
    return get_sanitize_patterns(CONFIG.read_text(encoding="utf-8"))


def sanitize(text: str) -> str:
    for regex, replace in patterns():
        text = re.sub(regex, replace, text)
    return text
