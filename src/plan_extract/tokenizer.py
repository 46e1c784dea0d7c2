"""spaCy's tokenizer, plus the habits of scraped press text, as a tokenizer that serialises.

"JalletPréfet" becomes "Jallet" + "Préfet"; a full stop after a currency sign ("40 M€.") is split
off, as after a word; a number is split from a unit or a currency glued to it ("50m2", "205M€",
"0,21€/jour" -> "0,21" "€" "/" "jour"), for the units and currencies of the quantity and money
lexicons that spaCy's own affixes do not know ("EUR29,99" too). `PressTokenizer` is spaCy's `Tokenizer` with these
extra patterns tried beside its own (recompiling spaCy's large French patterns would cost half a
second at every start).

It is registered as `plan_extract.PressTokenizer.v1` (also an entry point of `spacy_tokenizers`),
so that a pipeline that uses it is saved with `nlp.to_disk()` and loaded back with `spacy.load()`
in a process that never imported plan_extract: the config names the tokenizer, and
`to_bytes`/`from_bytes` store spaCy's own patterns, the extra ones being part of the class.

>>> import spacy
>>> nlp = spacy.blank("fr")
>>> use_press_tokenizer(nlp)
>>> [t.text for t in nlp("Sébastien JalletPréfet de l'Orne : 40 M€.")]
['Sébastien', 'Jallet', 'Préfet', 'de', "l'", 'Orne', ':', '40', 'M€', '.']
>>> [t.text for t in nlp("50m2 à 0,21€/jour")]
['50', 'm2', 'à', '0,21', '€', '/', 'jour']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

from plan_extract.resources import read_toml

NAME = "plan_extract.PressTokenizer.v1"
_STOP_AFTER_CURRENCY = re.compile(r"(?<=[€$£¥%])\.$")
# "0,21€/jour": the currency sign after the digits and the slash of a rate after the sign.
_CURRENCY_RATE = re.compile(r"(?<=[0-9])(?=[€$£¥])|(?<=[€$£¥%])/(?=\w)")
_RATE_SLASH = re.compile(r"/(?=[^\W\d_])")
_DIGIT = re.compile(r"(?=[0-9])")


@cache
def _glued_title() -> re.Pattern[str]:
    """Split before a capitalised title word stuck to a lower-case letter (`tokenizer.toml`)."""
    titles = read_toml("plan_extract", "tokenizer.toml")["glued_titles"]["words"]
    alternation = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    return re.compile(rf"(?<=[a-zàâçéèêëîïôûùüÿœ])(?=(?:{alternation})\b)")


@cache
def _glued_unit_suffix() -> re.Pattern[str]:
    """Units and scaled currencies of the lexicons written glued after digits: "50m2", "205M€".

    One-letter units keep their case ("5G" is no gram); longer ones are read in any case ("3kWh").
    """
    from plan_extract.dims.money.rules import GLUED
    from plan_extract.dims.quantity.rules import SINGLE_UNITS

    forms = sorted({*SINGLE_UNITS, *GLUED}, key=len, reverse=True)
    # Symbols and short abbreviations only: a whole word is not glued to a number.
    longer = "|".join(re.escape(f) for f in forms if 1 < len(f) <= 5 and " " not in f)
    single = "|".join(re.escape(f) for f in forms if len(f) == 1)
    return re.compile(rf"(?<=[0-9])(?:(?i:{longer})|{single})$")


@cache
def _glued_currency_prefix() -> re.Pattern[str]:
    """ISO codes and "xxx$" forms of the money lexicon written glued before digits: "EUR29,99"."""
    from plan_extract.dims.money.rules import CODES_BEFORE

    codes = sorted((c for c in CODES_BEFORE if c[:1].isalpha()), key=len, reverse=True)
    return re.compile(rf"(?i:{'|'.join(re.escape(c) for c in codes)})(?=[0-9])")


class PressTokenizer(Tokenizer):
    """spaCy's `Tokenizer` with the extra patterns of press text tried beside its own."""

    def _extend(self) -> None:
        """Wrap the current infix and suffix functions (spaCy's own) with the extra patterns."""
        self._base_infix: Callable[[str], Iterator[re.Match[str]]] | None = self.infix_finditer
        self._base_suffix: Callable[[str], re.Match[str] | None] | None = self.suffix_search
        self._base_prefix: Callable[[str], re.Match[str] | None] | None = self.prefix_search
        glued, glued_unit, code_before = _glued_title(), _glued_unit_suffix(), _glued_currency_prefix()
        infix_finditer, suffix_search, prefix_search = self._base_infix, self._base_suffix, self._base_prefix

        # The tokenizer calls these for every string it does not have in its cache (strings
        # with an elision such as "l'Agence" are never cached): the extra patterns are only
        # tried on strings that can hold them.
        def infixes(text: str) -> list[re.Match[str]]:
            found = list(infix_finditer(text)) if infix_finditer is not None else []
            extra = []
            if text[:1].isdigit():
                extra = list(_CURRENCY_RATE.finditer(text))  # "0,21€/jour"
            elif text[-1:].isdigit() and (code := code_before.match(text)):
                extra = [_DIGIT.match(text, code.end())]  # "EUR29,99", "nzd$15": the code, then the amount
            elif text[1:].lower() != text[1:]:  # a capital after the first letter: maybe a glued title
                extra = list(glued.finditer(text))
            return sorted(found + extra, key=lambda m: m.start()) if extra else found

        def suffix(text: str) -> re.Match[str] | None:
            if text[-1:] == "." and text[-2:-1] in "€$£¥%":
                return _STOP_AFTER_CURRENCY.search(text) or (suffix_search(text) if suffix_search else None)
            if text[:1].isdigit():
                return glued_unit.search(text) or (suffix_search(text) if suffix_search else None)
            return suffix_search(text) if suffix_search is not None else None

        def prefix(text: str) -> re.Match[str] | None:
            if text[:1] == "/":  # "/an" left after "€" in "€/an"
                return _RATE_SLASH.match(text) or (prefix_search(text) if prefix_search else None)
            return prefix_search(text) if prefix_search is not None else None

        self.infix_finditer = infixes
        self.prefix_search = prefix
        self.suffix_search = suffix

    @classmethod
    def like(cls, tokenizer: Tokenizer) -> PressTokenizer:
        """A `PressTokenizer` with the settings of a spaCy `Tokenizer` (a loaded model's)."""
        if isinstance(tokenizer, PressTokenizer):
            return tokenizer
        press = cls(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                    suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                    token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                    faster_heuristics=tokenizer.faster_heuristics)
        press._extend()
        return press

    def to_bytes(self, *, exclude: Any = tuple()) -> bytes:
        """spaCy's own patterns, as `Tokenizer.to_bytes` stores them."""
        def pattern(function: Any) -> str | None:
            return None if function is None else function.__self__.pattern

        serializers = {
            "vocab": lambda: self.vocab.to_bytes(exclude=exclude),
            "prefix_search": lambda: pattern(self._base_prefix),
            "suffix_search": lambda: pattern(self._base_suffix),
            "infix_finditer": lambda: pattern(self._base_infix),
            "token_match": lambda: pattern(self.token_match),
            "url_match": lambda: pattern(self.url_match),
            "exceptions": lambda: dict(sorted(self.rules.items())),
            "faster_heuristics": lambda: self.faster_heuristics,
        }
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Any = tuple()) -> PressTokenizer:
        super().from_bytes(bytes_data, exclude=exclude)
        self._extend()
        return self


@registry.tokenizers(NAME)
def create_press_tokenizer() -> Callable[[Language], PressTokenizer]:
    """The registered tokenizer: spaCy's default one for the language, with the extra patterns."""
    default = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> PressTokenizer:
        return PressTokenizer.like(default(nlp))

    return make


def use_press_tokenizer(nlp: Language) -> None:
    """Give `nlp` the press tokenizer, keeping its current settings, and name it in the config
    so that `nlp.to_disk()` then `spacy.load()` gives the same tokenizer back."""
    nlp.tokenizer = PressTokenizer.like(nlp.tokenizer)
    nlp.config["nlp"]["tokenizer"] = {"@tokenizers": NAME}
