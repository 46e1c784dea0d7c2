from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language

from plan_extract.cli import main
from plan_extract.pipeline import get_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    return get_nlp()


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus extracted by the batch command into a folder (OUT/NAME.json), and the same
    outputs as JSONL beside it (all.jsonl, ending with a report line)."""
    root = Path(__file__).parent.parent
    out = tmp_path_factory.mktemp("corpus") / "out"
    result = CliRunner().invoke(main, [str(root / "corpus"), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
             for p in sorted(out.glob("*.json")) if p.name != "_report.json"]
    (out.parent / "all.jsonl").write_text("\n".join([*lines, '{"report": {"files": 0}}']) + "\n", encoding="utf-8")
    return out
