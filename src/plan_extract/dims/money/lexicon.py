"""The currencies of a user lexicon (`[money.currency.XXX]`, docs/lexicon.md) as money rules of
the same shapes as the package's: "12 écus", "3 millions d'écus", "1,5 k écus".

>>> from plan_extract.lexicon import Currency
>>> [rule.name for rule in currency_rules({"XEC": Currency(words=["écu", "écus"])})]
['<number> (de) <user currency of 1 words>', '<number> <scale> (de) <user currency of 1 words>']
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from spacy.tokens import Span

from plan_extract.dims.money.rules import LEXICON, SCALE_WORDS
from plan_extract.dims.numeral import NUMBER, SPACE, numeral_in
from plan_extract.dims.numeral.parse import normalise
from plan_extract.grammar import DE
from plan_extract.lexicon import Currency
from plan_extract.rules import EndingForms, Rule, Value, phrase_elements

DE_OPT = {"LOWER": {"IN": sorted(DE)}, "OP": "?"}
SCALE = {"LOWER": {"IN": SCALE_WORDS}}


def currency_rules(currencies: dict[str, Currency], split: Callable[[str], list[str]] = str.split) -> list[Rule]:
    """Rules for the user's currencies: a number, an optional scale abbreviation ("k", "M",
    "Md"), an optional "de" and the currency's words, cut into tokens by `split` (the
    pipeline's tokenizer: "écus d'or" -> "écus", "d'", "or")."""
    currency_of = {" ".join(split(word)): code for code, currency in currencies.items() for word in currency.words}
    forms = EndingForms(currency_of)

    def produce(span: Span) -> Value | None:
        numeral = numeral_in(span)
        if numeral is None:
            return None
        form = forms.find([t.lower_ for t in span if not t.is_space])
        if form is None:
            return None
        amount = Decimal(numeral._.numeral["value"])
        before = [t.lower_ for t in span[numeral.end - span.start:] if not t.is_space][:-len(form.split())]
        if before and before[0] in LEXICON.scale:
            amount *= LEXICON.scale[before[0]]
        return {"value": normalise(amount), "currency": currency_of[form]}

    rules = []
    for n, words in phrase_elements(currency_of).items():
        rules.append(Rule(f"<number> (de) <user currency of {n} words>", [NUMBER, SPACE, DE_OPT, *words], produce))
        rules.append(Rule(f"<number> <scale> (de) <user currency of {n} words>",
                          [NUMBER, SPACE, SCALE, SPACE, DE_OPT, *words], produce))
    return rules
