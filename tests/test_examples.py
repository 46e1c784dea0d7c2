"""Each dimension's example table (`dims/<dim>/examples.toml`), one row per test."""

from __future__ import annotations

import pytest

from plan_extract.api import make_doc
from plan_extract.examples import Case, load_all_examples


def _clean(value: dict | None) -> dict:
    return {k: v for k, v in (value or {}).items() if v is not None and k not in ("key", "over", "links", "evidence")}


def _matches(value: dict | None, expect: dict) -> bool:
    """The span's value equals `expect` on every key `expect` names, and has no other key
    unless it is an internal one."""
    clean = _clean(value)
    return all(clean.get(k) == v for k, v in expect.items()) and set(clean) <= set(expect) | _EXTRA


# Keys a value may carry without the example naming them.
_EXTRA = {"grain", "relative", "category", "form", "base_value", "base_unit", "code", "candidates", "location"}


@pytest.mark.parametrize("case", load_all_examples(), ids=lambda c: f"{c.dim}:{c.kind}:{c.text[:60]}")
def test_example(nlp, case: Case) -> None:
    doc = nlp(make_doc(case.text, case.reference_date))
    spans = list(doc.spans[case.dim]) if case.dim in doc.spans else []
    if case.kind == "negative":
        assert not spans, f"{case.dim}: expected nothing in {case.text!r}, got {[(s.text, s.id_) for s in spans]}"
        return
    here = [s for s in spans if (s.start_char, s.end_char) == (case.start, case.end)]
    assert len(here) == 1, (
        f"{case.dim}: expected one span over {case.text[case.start:case.end]!r}, "
        f"got {[(s.text, s.id_, _clean(s._.get(case.dim))) for s in spans]}"
    )
    if case.expect is not None:
        value = here[0]._.get(case.dim)
        assert _matches(value, case.expect), f"rule {here[0].id_!r} gave {_clean(value)}, expected {case.expect}"
