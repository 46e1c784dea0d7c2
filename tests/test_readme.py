"""The README documents every option of the command line and keeps exactly two quick-start commands."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from plan_extract.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
CI = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")


def _options(*command: str) -> set[str]:
    help_text = CliRunner().invoke(main, [*command, "--help"]).output
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text))


def test_every_option_is_documented() -> None:
    for command in ([], ["extract"], ["eval"], ["schema"], ["tables"], ["review"], ["serve"]):
        missing = {o for o in _options(*command) if f"`{o}" not in README and f" {o}" not in README}
        assert not missing, f"options of {command or 'plan-extract'} missing from README: {sorted(missing)}"


def test_quick_start_has_two_commands_and_ci_runs_the_second() -> None:
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2, commands
    assert "plan-extract corpus/" in commands[0]
    assert commands[1].strip() in CI
