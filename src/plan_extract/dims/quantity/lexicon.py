"""The units of a user lexicon (`[quantity.unit.X]`, docs/lexicon.md) as quantity rules of the
same shape as the package's: "12 boisseaux de blé" -> 12 boisseau, with the value in the base
unit when the user gives one.

>>> from plan_extract.lexicon import Unit
>>> [rule.name for rule in unit_rules({"boisseau": Unit(words=["boisseau", "boisseaux"])})]
['<number> (de) <user unit of 1 words>']
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from spacy.tokens import Span

from plan_extract.dims.numeral import NUMBER, SPACE
from plan_extract.dims.numeral.parse import normalise
from plan_extract.dims.quantity.rules import DE_OPT, _measured, _number
from plan_extract.lexicon import Unit
from plan_extract.rules import EndingForms, Rule, Value, phrase_elements


def unit_rules(units: dict[str, Unit], split: Callable[[str], list[str]] = str.split) -> list[Rule]:
    """Rules for the user's units: a number, an optional "de" and the unit's words, cut into
    tokens by `split` (the pipeline's tokenizer: "pied d'œuvre" -> "pied", "d'", "œuvre")."""
    unit_of = {" ".join(split(word)): code for code, unit in units.items() for word in unit.words}
    forms = EndingForms(unit_of)

    def produce(span: Span) -> Value | None:
        found = _number(span)
        if found is None:
            return None
        form = forms.find([t.lower_ for t in span if not t.is_space])
        if form is None:
            return None
        value = found[1]
        code = unit_of[form]
        unit = units[code]
        doc = span.doc
        result = {"value": normalise(value), "unit": code,
                  "counted": _measured(doc[span.end] if span.end < len(doc) else None)}
        if unit.base is not None and unit.factor is not None and unit.base != code:
            result.update(base_value=normalise(value * Decimal(str(unit.factor))), base_unit=unit.base)
        return result

    return [Rule(f"<number> (de) <user unit of {n} words>", [NUMBER, SPACE, DE_OPT, *words], produce)
            for n, words in phrase_elements(unit_of).items()]
