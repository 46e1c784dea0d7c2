"""The code blocks of README.md and docs/*.md run, so that the documentation cannot rot.

- Python blocks written as a session (`>>>`) are run as doctests; other Python blocks are run.
- Shell lines that call `plan-extract` are checked against the command line: the subcommand
  exists and every option is one of its options.
- JSON blocks parse; the example of docs/output.md is the real output of its text.
- The README's example is run and every field it shows is in the real output.
"""

from __future__ import annotations

import doctest
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from plan_extract.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```", re.S | re.M)


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _blocks(lang: str | None = None) -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            block = Block(page, text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2))
            if lang is None or block.lang == lang:
                found.append(block)
    return found


def test_docs_folder_has_the_pages_the_readme_links() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for target in re.findall(r"\]\((docs/[^)#]+)\)", readme):
        assert (ROOT / target).is_file(), target
    for page in PAGES[1:]:
        for target in re.findall(r"\]\((\.\./[^)#]+|[\w-]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().exists(), f"{page.name}: broken link {target}"


@pytest.mark.parametrize("block", _blocks("python"), ids=lambda b: b.id)
def test_python_block_runs(nlp, block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    if ">>>" not in block.code:
        exec(compile(block.code, block.id, "exec"), {"__name__": "__docs__"})  # noqa: S102
        return
    test = doctest.DocTestParser().get_doctest(block.code, {}, block.id, str(block.page), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []

    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries > 0


def _commands(code: str) -> list[list[str]]:
    """The `plan-extract` invocations of a shell block, as argument lists without the program."""
    calls = []
    for line in code.splitlines():
        line = line.strip().removeprefix("$ ")
        if "plan-extract" not in line or line.startswith("{") or line.startswith('"'):
            continue
        for part in re.split(r"\|\||&&|\||;", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError as exc:
                raise AssertionError(f"cannot parse {part!r}: {exc}") from exc
            while words and not words[0].endswith("plan-extract"):
                words = words[1:]
            if words:
                args = words[1:]
                cut = next((i for i, w in enumerate(args) if w.startswith(">") or w == "<"), len(args))
                calls.append(args[:cut])
    return calls


def _check_against_cli(args: list[str]) -> None:
    if args and args[0] in main.commands:
        command, args = main.commands[args[0]], args[1:]
    else:
        command = main.commands["extract"]  # the default command
    known = {"-h", "--help", "--version"}
    for param in command.params:
        if isinstance(param, click.Option):
            known.update(param.opts + param.secondary_opts)
    for word in args:
        if word.startswith("-") and word != "-":
            option = word.split("=", 1)[0]
            assert option in known, f"{command.name}: no option {option} (known: {sorted(known)})"
    command.make_context("plan-extract", list(args), resilient_parsing=True)


SHELL_BLOCKS = [b for b in _blocks() if b.lang in ("", "sh", "bash", "console") and _commands(b.code)]


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=lambda b: b.id)
def test_shell_commands_match_the_cli(block: Block) -> None:
    for args in _commands(block.code):
        _check_against_cli(args)


def test_shell_checks_catch_a_wrong_option() -> None:
    with pytest.raises(AssertionError, match="no option --nope"):
        _check_against_cli(["corpus/", "--nope"])
    _check_against_cli(["eval", "corpus/", "--details"])
    assert _commands("cat FILE | plan-extract - --compact > out.json  # note") == [["-", "--compact"]]


@pytest.mark.parametrize("block", _blocks("json"), ids=lambda b: b.id)
def test_json_block_parses(block: Block) -> None:
    json.loads(block.code)


def test_output_page_example_is_the_real_output(nlp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = ROOT / "docs" / "output.md"
    text = next(b.code for b in _blocks("text") if b.page == page)
    shown = json.loads(next(b.code for b in _blocks("json") if b.page == page))
    (tmp_path / shown["source"]["path"]).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [shown["source"]["path"]])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == shown


def test_readme_example_shows_real_fields(nlp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = ROOT / "README.md"
    example = (readme.read_text(encoding="utf-8").split("## Example", 1)[1]).split("\n## ", 1)[0]
    command_block, output_block = [m.group(2) for m in FENCE.finditer(example)][:2]
    lines = [line.removeprefix("$ ") for line in command_block.splitlines()]
    echo = shlex.split(lines[0])
    assert echo[0] == "echo" and echo[-2] == ">"
    monkeypatch.chdir(tmp_path)
    Path(echo[-1]).write_text(echo[1] + "\n", encoding="utf-8")
    args = _commands(lines[1])[0]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    real = json.loads(result.stdout)
    for line in output_block.splitlines():
        shown = json.loads("{" + line.rstrip(",").replace(", ...}", "}") + "}")
        for key, items in shown.items():
            for i, item in enumerate(items):
                assert item.items() <= real[key][i].items(), f"{key}[{i}]: {item} not in {real[key][i]}"
