"""The README's command table names only commands and options the CLI has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from dashboard.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_readme_commands_and_options_exist():
    subs = _subparsers()
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `antt-map ")]
    assert len(rows) >= 5
    for row in rows:
        command = re.match(r"\| `antt-map ([a-z-]+)", row).group(1)
        assert command in subs, row
        known = {opt for a in subs[command]._actions for opt in a.option_strings}
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", row):
            assert option in known, f"{option} of `antt-map {command}` is not an option"


def test_readme_set_up_commands_are_the_ci_commands():
    text = README.read_text()
    assert "pip install -e . && antt-map serve" in text
    assert "bash .ci/run" in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert (
        "python3 -m pytest" in ci
        and 'pip install -q --disable-pip-version-check -e ".[test]"' in ci
    )
