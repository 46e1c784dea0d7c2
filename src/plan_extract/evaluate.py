"""Score extractions against the gold files of a corpus: precision, recall and F1 per category.

Matching rules (one-to-one, greedy in document order):
- quantities: the spans overlap, same value and same unit;
- money: the spans overlap, same value and same currency;
- dates: the spans overlap, same type and same value (null equals null);
- actors: same type and same name once case, accents-insensitive articles and punctuation are
  folded, or the same acronym, or one's name is the other's acronym;
- locations: same folded name and same type;
- measures: the evidence spans overlap by at least half of the shorter one;
- links (of matched measures): a gold actor is found when a linked actor matches it, a gold
  budget or time when a linked money or date item overlaps it. Every link of a predicted measure
  counts in precision.
A gold `text` may occur several times in a document: any occurrence may match.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from plan_extract.gold import GoldFile, load_gold
from plan_extract.grammar import DE, DE_CONTRACTIONS, LINK_ARTICLES, LINKS, SINGULAR_ARTICLES
from plan_extract.models import Extraction

CATEGORIES = ["quantities", "money", "dates", "actors", "locations", "measures", "links"]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class DocReport:
    name: str
    scores: dict[str, Score]
    misses: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)
    document_date_ok: bool = True


def _leading(words: set[str]) -> str:
    """An alternation of the words with what ends them: "le " but "l'"."""
    return "|".join(re.escape(w if w.endswith("'") else w + " ") for w in sorted(words))


# What a name may start with, from grammar.toml: an article ("le ", "l'"), "de" fused with one
# ("du ", "des "), or "de" before one it does not fuse with ("de la ", "de l'").
_STRAIGHT = {w for w in LINK_ARTICLES | LINKS if "’" not in w}
_DE_ARTICLES = {"de " + a for a in _STRAIGHT & SINGULAR_ARTICLES if a not in DE_CONTRACTIONS}
_LEADING_RE = re.compile(rf"^(?:{_leading((_STRAIGHT - DE) | _DE_ARTICLES)})")


def fold(name: str) -> str:
    """Fold a name for comparison: "l'Agence Régionale de Santé" -> "agence regionale de sante"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    text = _LEADING_RE.sub("", text.strip())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return found


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _touches(span: tuple[int, int], places: Sequence[tuple[int, int]]) -> bool:
    return any(_overlap(span, p) > 0 for p in places)


def _half_overlap(span: tuple[int, int], places: Sequence[tuple[int, int]]) -> bool:
    return any(_overlap(span, p) * 2 >= min(span[1] - span[0], p[1] - p[0]) for p in places)


def _match(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    pairs, used = [], set()
    missed = []
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and same(g, p):
                used.add(i)
                pairs.append((g, p))
                break
        else:
            missed.append(g)
    return pairs, missed, [p for i, p in enumerate(pred) if i not in used]


def _num(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _actor_same(g: Any, p: Any) -> bool:
    if g.type != p.type:
        return False
    names = {fold(g.name)} | ({fold(g.acronym)} if g.acronym else set())
    pred = {fold(p.name)} | ({fold(p.acronym)} if p.acronym else set())
    return bool(names & pred)


def score_document(name: str, text: str, gold: GoldFile, pred: Extraction) -> DocReport:
    """Score one extraction against its gold file."""
    where = {}
    for group in (gold.quantities, gold.money, gold.dates, gold.measures):
        for item in group:
            where[item.text] = occurrences(text, item.text)
    span = lambda p: (p.start, p.end)  # noqa: E731
    rules: dict[str, tuple[Sequence[Any], Sequence[Any], Callable[[Any, Any], bool]]] = {
        "quantities": (gold.quantities, pred.quantities, lambda g, p: _touches(span(p), where[g.text])
                       and _num(g.value) == p.value and g.unit == p.unit),
        "money": (gold.money, pred.money, lambda g, p: _touches(span(p), where[g.text])
                  and _num(g.value) == p.value and g.currency == p.currency),
        "dates": (gold.dates, pred.dates, lambda g, p: _touches(span(p), where[g.text])
                  and g.type == p.type and g.value == p.value),
        "actors": (gold.actors, pred.actors, _actor_same),
        "locations": (gold.locations, pred.locations, lambda g, p: fold(g.name) == fold(p.name) and g.type == p.type),
        "measures": (gold.measures, pred.measures, lambda g, p: _half_overlap(span(p), where[g.text])),
    }
    report = DocReport(name, {})
    measure_pairs: list[tuple[Any, Any]] = []
    for category, (g, p, same) in rules.items():
        pairs, missed, extra = _match(g, p, same)
        report.scores[category] = Score(len(pairs), len(extra), len(missed))
        report.misses[category] = [_describe(m) for m in missed]
        report.spurious[category] = [_describe(e) for e in extra]
        if category == "measures":
            measure_pairs = pairs
    report.scores["links"] = _score_links(text, pred, measure_pairs)
    given = pred.document_date.value
    report.document_date_ok = (given or None) == (gold.document_date.isoformat() if gold.document_date else None)
    return report


def _score_links(text: str, pred: Extraction, pairs: list[tuple[Any, Any]]) -> Score:
    by_id = {i.id: i for group in (pred.actors, pred.money, pred.dates) for i in group}
    score = Score()
    for measure in pred.measures:
        score.fp += len(measure.actors) + len(measure.money) + len(measure.dates)
    for g, p in pairs:
        actors = [by_id[i] for i in p.actors]
        for name in g.actors():
            if any(fold(name) in (fold(a.name), fold(a.acronym or "")) for a in actors):
                score.tp += 1
                score.fp -= 1
            else:
                score.fn += 1
        for gold_text, ids in ((g.budget, p.money), (g.when, p.dates)):
            if gold_text is None:
                continue
            places = occurrences(text, gold_text)
            if any(_touches((by_id[i].start, by_id[i].end), places) for i in ids):
                score.tp += 1
                score.fp -= 1
            else:
                score.fn += 1
    score.fp = max(score.fp, 0)
    return score


def _describe(item: Any) -> str:
    fields = [f"{k}={v}" for k, v in item.model_dump(include={"value", "unit", "currency", "type", "name"}).items()]
    label = getattr(item, "text", None) or getattr(item, "name", "")
    return f"{label!r} " + " ".join(fields)


def corpus_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(text, gold) pairs of a folder: every `NAME.txt` with a `NAME.gold.json` beside it."""
    pairs = []
    for txt in sorted(folder.glob("*.txt")):
        gold = txt.with_name(txt.stem + ".gold.json")
        if gold.exists():
            pairs.append((txt, gold))
    return pairs


@dataclass
class CorpusReport:
    documents: list[DocReport]

    def totals(self) -> dict[str, Score]:
        totals = {c: Score() for c in CATEGORIES}
        for doc in self.documents:
            for category, score in doc.scores.items():
                totals[category].add(score)
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "document_date_accuracy": round(sum(d.document_date_ok for d in self.documents) / max(1, len(self.documents)), 4),
            "categories": {c: s.as_dict() for c, s in self.totals().items()},
        }

    def table(self) -> str:
        lines = [f"{'category':<12} {'tp':>5} {'fp':>5} {'fn':>5} {'P':>6} {'R':>6} {'F1':>6}"]
        for category, s in self.totals().items():
            lines.append(f"{category:<12} {s.tp:>5} {s.fp:>5} {s.fn:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}")
        data = self.as_dict()
        lines.append(f"{data['documents']} documents; document date right in {data['document_date_accuracy']:.0%}")
        return "\n".join(lines)

    def details(self) -> str:
        out = []
        for doc in self.documents:
            for category in CATEGORIES:
                for miss in doc.misses.get(category, []):
                    out.append(f"{doc.name}\t{category}\tMISSED\t{miss}")
                for extra in doc.spurious.get(category, []):
                    out.append(f"{doc.name}\t{category}\tSPURIOUS\t{extra}")
        return "\n".join(out)


def given_date(text_path: Path, gold: GoldFile) -> dt.date | None:
    """The date a user would pass for this document: the gold's `document_date`, else the
    `published` field of `NAME.meta.json` beside the text, else None."""
    if gold.document_date is not None:
        return gold.document_date
    meta = text_path.with_name(text_path.stem + ".meta.json")
    if meta.exists():
        try:
            published = json.loads(meta.read_text(encoding="utf-8")).get("published")
            return dt.date.fromisoformat(published) if published else None
        except (ValueError, AttributeError):
            return None
    return None


def evaluate(folder: Path, extract_texts: Callable[[Iterable[str]], Iterable[Extraction]] | None = None,
             given_dates: bool = False, manifest_dates: dict[Path, str | None] | None = None) -> CorpusReport:
    """Run the extractor over every text of `folder` that has a gold file and score it.

    With `given_dates`, each document is extracted with its publication date given (from its gold
    or its `NAME.meta.json`), as a user passes the date from the metadata they hold; with
    `manifest_dates` (resolved text path -> date, from `--manifest`), with the date of its row;
    otherwise the extractor finds the document date in the text.
    """
    pairs = corpus_pairs(folder)
    texts = [txt.read_text(encoding="utf-8") for txt, _ in pairs]
    golds = [load_gold(gold, text) for (_, gold), text in zip(pairs, texts)]
    if given_dates or manifest_dates is not None:
        from plan_extract.api import extract

        if manifest_dates is not None:  # the dates of a manifest's rows, by the texts' resolved paths
            dates = [manifest_dates.get(txt.resolve()) for txt, _ in pairs]
        else:
            dates = [given_date(txt, gold) for (txt, _), gold in zip(pairs, golds)]
        preds: Iterable[Extraction] = (extract(text, document_date=date) for text, date in zip(texts, dates))
    else:
        if extract_texts is None:
            from plan_extract.api import extract_many

            extract_texts = extract_many
        preds = extract_texts(texts)
    reports = [
        score_document(txt.name, text, gold, pred)
        for (txt, _), text, gold, pred in zip(pairs, texts, golds, preds)
    ]
    return CorpusReport(reports)
