"""Amounts listed with what they pay for: "dont 1,2 M€ pour l'école, 650 000 euros pour la voirie".

Each listed amount is a funding measure of its own, even when it sits inside the clause of the
total it divides (the clause then stops before it). The words that open an item ("dont",
"soit") and attach it to what it pays for ("pour", "consacrés à") are the lexicon's [items].
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from plan_extract.dims.measure.clause import Clause
from plan_extract.dims.measure.lexicon import ITEM_LINKS, ITEM_OPENERS
from plan_extract.dims.measure.segments import segment
from plan_extract.dims.measure.triggers import Trigger

# Tokens that end a listed item.
ITEM_ENDS = {",", ";", "(", ".", ":"}
# An item reaches at most this many tokens after its amount.
ITEM_MAX_TOKENS = 16


def money_items(doc: Doc, money: list[Span], clauses: list[Clause]) -> list[Clause]:
    """Amounts listed outside any clause with what they pay for: each is a funding measure.

    >>> doc = nlp("La commune investit 3 M€ cette année, dont 1,2 M€ pour l'école.")
    >>> [c.span(doc).text for c in money_items(doc, list(doc.spans["money"]), [])]
    ["dont 1,2 M€ pour l'école"]
    """
    items = []
    starts = {amount.start for amount in money}
    for amount in money:
        before = doc[amount.start - 1] if amount.start > 0 else None
        opener = before is not None and before.lower_ in ITEM_OPENERS
        after = doc[amount.end].lower_ if amount.end < len(doc) else ""
        if after not in ITEM_LINKS:
            continue  # "dont 2 millions" alone says how much, not for what
        home = next((c for c in clauses if c.start <= amount.start < c.end), None)
        if home is not None:
            # An amount listed after the clause's own ("s'élève à 4,8 M€, dont 1,2 M€ pour l'école,
            # 650 000 euros pour la voirie") is an item of its own; the clause stops before it.
            listed = opener or before is not None and (before.text == "," or before.pos_ == "CCONJ")
            if not listed or amount.root.i < home.head.i:
                continue
            cut = amount.start - 1 if opener else amount.start
            while cut > home.start and doc[cut - 1].pos_ in ("PUNCT", "CCONJ"):
                cut -= 1
            home.end = min(home.end, cut)
        start = amount.start - 1 if opener else amount.start
        end = amount.end
        seg_start, seg_end = segment(amount.root)
        while end < seg_end and doc[end].text not in ITEM_ENDS and not doc[end].is_space \
                and end - amount.end < ITEM_MAX_TOKENS and end not in starts \
                and not ((doc[end].pos_ == "CCONJ" or doc[end].lower_ in ITEM_OPENERS) and end + 1 in starts):
            end += 1  # up to the next listed amount: "800 000 euros pour X et 250 000 euros pour Y"
        trigger = Trigger(amount.root, amount.root.i + 1, "financement", verbal=False)
        items.append(Clause(amount.root, [trigger], max(start, seg_start), end, forced=True))
    return items
