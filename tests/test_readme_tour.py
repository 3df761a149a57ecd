"""Every console block of README.md is replayed: each ``$ youzhi ...`` line is run and must print
what the README shows (``...`` ends a block shown in part; warnings on stderr are not compared)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tour() -> list[tuple[str, list[str]]]:
    """(command, expected lines) for each ``$`` line of the README's console blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps and not line.startswith("youzhi: warning:"):
                steps[-1][1].append(line)
    return steps


def run(command: str) -> list[str]:
    """Run ``youzhi ARGS [| tail -N]`` with this interpreter; stdout lines."""
    command, _, tail = command.partition(" | tail -")
    argv = shlex.split(command)
    assert argv[0] == "youzhi", command
    out = subprocess.run([sys.executable, "-c", "import sys; from youzhi.cli import main; sys.exit(main())", *argv[1:]],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    return lines[-int(tail):] if tail else lines


@pytest.mark.slow
@pytest.mark.parametrize(("command", "expected"), tour(), ids=[c for c, _ in tour()])
def test_readme_console_output_is_what_the_command_prints(command: str, expected: list[str]) -> None:
    printed = run(command)
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        printed = printed[:len(expected)]
    assert printed == expected
