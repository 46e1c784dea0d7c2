"""Places: the spaCy component `plan_location`.

Stores one span per mention in `doc.spans["location"]`, the rule name in `span.id_` and
`span._.location` = {"key": "commune:61001", "name": "Alençon", "type": "commune",
"code": "61001", "candidates": []}. All mentions of one place share the key; `candidates` lists
the INSEE codes of homonymous communes that the text does not tell apart.
"""

from __future__ import annotations

from functools import cache
from itertools import compress
from operator import add
from typing import TypedDict

from spacy.attrs import IDX
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from plan_extract.component import BatchComponent, register_extension
from plan_extract.dims.actor.lexicon import org_words
from plan_extract.dims.actor.persons import ROLE_FIRST_WORDS
from plan_extract.dims.location.evidence import CITY, TOWN, WEIGHTS, is_demonym
from plan_extract.dims.location.places import Hit, Place, load_places
from plan_extract.dims.location.rules import (
    AREA_TYPES, ARTICLES, COMMON_WORDS, FIRMS, FIXED_EXPRESSIONS, INSTITUTIONS, WATER, INTRO_TYPE, LEXICON, SEATS, LOCATIVES, LOWER_STARTS, METONYMS,
    NATURAL_NOUNS, NER_LABELS, PREPOSITIONS, SUBTYPES, choose_type, entity_bounds, intro_before, ner_label,
    extra_places, neighbourhood_name, table,
)
from plan_extract.grammar import (
    COORDINATING, DE, FACILITIES, LINK_ARTICLES, LINKS, NAME_ADJECTIVES, OrdinaryWords, blocked_before, is_sentence_start,
)
from plan_extract.lexicon import LexiconLike, UserLexicon, WithUserLexicon
from plan_extract.spans import doc_text, entities, positions, span_text, token_attrs, trim_entity

SPANS_KEY = "location"


class LocationValue(TypedDict):
    key: str
    name: str
    type: str
    code: str | None
    candidates: list[str]
    subtype: str | None



class LocationExtractor(WithUserLexicon, BatchComponent):
    """Find communes, neighbourhoods, départements, regions and countries.

    >>> doc = nlp("Le préfet de l'Orne s'est rendu dans le quartier de Perseigne à Alençon.")
    >>> [(s.text, s._.location["type"]) for s in doc.spans["location"]]
    [('Orne', 'département'), ('Perseigne', 'neighbourhood'), ('Alençon', 'commune')]
    """

    def __init__(self, nlp: Language, spans_key: str = SPANS_KEY, lexicon: LexiconLike = None) -> None:
        """`lexicon`: a user lexicon whose `[[location.places]]` are added (docs/lexicon.md)."""
        register_extension("location")
        self.spans_key = spans_key
        self.places = table()
        self.config_lexicon(lexicon)
        # Names of départements, regions, named areas and towns are names even where the
        # lemmatizer's lists hold them; a village called "Plaine" or "Rue" is an ordinary word.
        self.ordinary = OrdinaryWords(nlp, (name.lower() for name, places in table().by_name.items()
                                            if any(p.type != "commune" or p.population >= TOWN for p in places)))
        self.fixed = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.fixed.add("fixed", [nlp.make_doc(phrase) for phrase in FIXED_EXPRESSIONS])
        self.natural = PhraseMatcher(nlp.vocab, attr="LOWER")
        for subtype, nouns in NATURAL_NOUNS.items():
            self.natural.add(subtype, [nlp.make_doc(noun) for noun in nouns])

    def use_lexicon(self, lexicon: UserLexicon) -> None:
        extra = lexicon.location.places
        self.places = load_places((*extra_places(), *(Place(p.type, p.name, p.code) for p in extra))) \
            if extra else table()

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[Span, dict]] = self._natural_areas(doc)
        taken = {i for span, _ in found for i in range(span.start, span.end)}
        found += [(span, value) for span, value in self._neighbourhoods(doc)
                  if not any(i in taken for i in range(span.start, span.end))]
        taken = {i for span, _ in found for i in range(span.start, span.end)}
        # "garde des Sceaux", "France urbaine": a place name inside them is no place
        fixed = {i for _, start, end in self.fixed(doc) for i in range(start, end)}
        taken |= fixed
        for span, value in self._table(doc):
            if not any(i in taken for i in range(span.start, span.end)):
                found.append((span, value))
                taken.update(range(span.start, span.end))
        for span, value in self._capitals(doc, taken):
            found.append((span, value))
            taken.update(range(span.start, span.end))
        found += self._named_entities(doc, taken, found)
        found = [(span, value) for span, value in found if span.start not in fixed]
        _resolve_homonyms(doc, found)
        spans = []
        for span, value in sorted(found, key=lambda sv: sv[0].start):
            span._.location = LocationValue(**value)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def _natural_areas(self, doc: Doc) -> list[tuple[Span, dict]]:
        """Natural areas ("la baie de la Fresnaye", "le Marais poitevin"), rivers ("le fleuve
        Rhône", "les affluents de la Valloire") and sectors of a plan ("les secteurs Galaure,
        Roubion et Jabron"): places of type "other" with their subtype."""
        found: list[tuple[Span, dict]] = []
        matches = {start: (doc.vocab.strings[key], end) for key, start, end in self.natural(doc)}
        done = -1
        for start in sorted(matches):
            if start < done:
                continue
            subtype, end = matches[start]
            place = self._natural_name(doc, start, end, subtype, direct=True)
            if place is None:
                continue
            found.append(place)
            done = place[0].end
            if subtype == "natural_area":
                continue
            # a list after the noun: "secteurs du Royans, du Vercors et du fleuve Rhône"
            while done + 1 < len(doc) and (doc[done].lower_ == "," or doc[done].lower_ in COORDINATING):
                i = done + 1
                while i < len(doc) and doc[i].lower_ in COORDINATING | LINKS | LINK_ARTICLES:
                    i += 1
                if i in matches:
                    inner, inner_end = matches[i]
                    item = self._natural_name(doc, i, inner_end, inner, direct=True)
                else:
                    item = self._natural_name(doc, i, i, subtype, direct=False)
                if item is None:
                    break
                if item[1] is not None:
                    found.append(item)
                done = item[0].end
        return [(span, value) for span, value in found if value is not None]

    def _natural_name(self, doc: Doc, start: int, end: int, subtype: str,
                      direct: bool) -> tuple[Span, dict | None] | None:
        """The place a natural noun at `start:end` introduces, or the next item of its list
        (`direct` False: the name at `end`). The value is None for an item that is a département
        or a region, or a town, which keep their own type; None when no name follows."""
        name = neighbourhood_name(doc, end)
        if subtype == "natural_area":
            if name is None and doc[start].text[:1].isupper() and end < len(doc) \
                    and doc[end].is_alpha and doc[end].text[:1].islower() \
                    and doc[end].pos_ not in ("VERB", "AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "ADV"):
                name = doc[end:end + 1]  # "Marais poitevin"
            if name is None or _names_a_body(name):
                return None
            span = doc[start:name.end]
        else:
            if name is None or _names_a_body(name):
                return None
            span = name
            j = span.end  # "Drôme des collines": a lower-case complement ends the item
            if j + 2 < len(doc) and doc[j].lower_ in LINKS and doc[j + 1].is_alpha and doc[j + 1].text.islower() \
                    and doc[j + 1].pos_ == "NOUN" and (doc[j + 2].lower_ in COORDINATING or doc[j + 2].lower_ in {",", ".", ";"}):
                span = doc[span.start:j + 2]
        span.id_ = f"{doc[start].lower_} <Name>" if direct else "<list of places> <Name>"
        known = self.places.by_name.get(span.text, [])
        if any(p.type in AREA_TYPES or p.type == "epci" for p in known) and (not direct or subtype == "sector") \
                or any(p.type == "commune" and p.population >= TOWN for p in known) and subtype != "river":
            return span, None  # "secteurs Drôme, Roubion": the département stays a département
        return span, _value("other", span.text, subtype=subtype)

    def _neighbourhoods(self, doc: Doc) -> list[tuple[Span, dict]]:
        """ "le quartier de Perseigne": the name after a neighbourhood noun, found or not in the table.

        A commune after "les quartiers nord de" stays a commune (the adjective says the
        neighbourhood is part of it)."""
        found = []
        places = self.places
        for i in positions(doc, NEIGHBOURHOOD_NOUNS):
            token = doc[i]
            name = neighbourhood_name(doc, token.i + 1)
            if name is None or ner_label(doc, name) == "PER" or _names_a_body(name):
                continue  # "les quartiers Anru": the agency's programme, not a name
            known = [p for p in places.by_name.get(name.text, []) if p.type == "commune"]
            if known and (doc[token.i + 1].lower_ in NAME_ADJECTIVES
                          or token.i > 0 and doc[token.i - 1].lower_ in SOME):
                continue  # "une cité de Vauvert": a neighbourhood in the commune, found by the table pass
            name.id_ = "quartier <Name>"
            found.append((name, _value("neighbourhood", name.text)))
        return found

    def _table(self, doc: Doc) -> list[tuple[Span, dict]]:
        """Names of the COG table and the lexicon, kept when the context says they are places."""
        text = doc_text(doc)
        text = text.replace("’", "'") if "’" in text else text
        attrs = token_attrs(doc)
        offsets = doc.to_array([IDX]).tolist()
        # Tokens that start with a capital (a token's first character is the text's at its
        # offset), and those of `LOWER_STARTS`; mapped in C rather than looped over in Python.
        starts = list(compress(offsets, map(str.isupper, map(text.__getitem__, offsets))))
        if not LOWER_STARTS.isdisjoint(attrs.lower):
            starts = sorted({*starts, *(offsets[i] for i, lower in enumerate(attrs.lower) if lower in LOWER_STARTS)})
        ends = set(map(add, offsets, map(len, attrs.text)))
        found = []
        hits = list(self.places.find(text, starts, ends))
        # Two place names joined by a hyphen: "Tarbes-Lourdes", "la liaison Rennes-Nantes"
        hit_starts = {hit.start for hit in hits}
        hit_ends = {hit.end for hit in hits}
        for hit in hits:
            span = doc.char_span(hit.start, hit.end)
            if span is None:
                continue
            compound = (text[hit.end:hit.end + 1] == "-" and hit.end + 1 in hit_starts
                        or text[hit.start - 1:hit.start] == "-" and hit.start - 1 in hit_ends)
            result = self._judge(doc, span, hit, compound)
            if result is not None:
                found.append(result)
        return found

    def _capitals(self, doc: Doc, taken: set[int]) -> list[tuple[Span, dict]]:
        """Communes written in capitals after a noun that introduces a commune, as in lists of
        grants: "Commune de SAINT-MARTIN", "l'arrondissement de NIORT". Elsewhere a word in
        capitals is an acronym or a shouted heading."""
        words = token_attrs(doc).text
        found = []
        n = len(words)
        done = 0  # the runs of capitals read so far end here
        for i in compress(range(n), map(str.isupper, words)):
            if i < done or i in taken or not _capitalised(words[i]):
                continue
            intro = intro_before(doc, i)
            j = i + 1
            while j < n and (_capitalised(words[j]) or words[j] in {"-", "'", "’"} and j + 1 < n
                             and _capitalised(words[j + 1])) and j not in taken:
                j += 1
            if intro is not None and intro[0] == "commune":
                for end in range(j, i, -1):  # the longest run of capitals that names a commune
                    places = self.places.communes_in_capitals(doc[i:end].text)
                    if places:
                        found.append(_with_rule(doc[i:end], f"{doc[intro[1]].lower_} de <NAME>", places))
                        break
            done = j
        return found

    def _judge(self, doc: Doc, span: Span, hit: Hit, compound: bool = False) -> tuple[Span, dict] | None:
        """Keep a name of the table when the context says it is a place (see `evidence`).

        `compound` is set when the name is joined by a hyphen to another place name
        ("l'hôpital commun Tarbes-Lourdes"): each part is a place."""
        prev = doc[span.start - 1] if span.start > 0 else None
        if hit.article:  # "au Mans", "du Havre": the contraction stands for the name's article
            if prev is None or prev.lower_ not in LEXICON.contractions.get(hit.article, []):
                return None
        intro = intro_before(doc, span.start)
        label = ner_label(doc, span)
        places = list(hit.places)
        name = places[0].name.replace("’", "'")
        if intro is not None:
            kind = intro[0]
            typed = [p for p in places if p.type == kind]
            if kind == "neighbourhood" and not (intro[1] > 0 and doc[intro[1] - 1].lower_ in SOME):
                return None  # handled by the neighbourhood pass; "une cité de Vauvert" is judged below
            if typed:
                return _with_rule(span, f"{doc[intro[1]].lower_} de <Name>", typed)
        if name in METONYMS:
            return None  # "conseiller à Matignon": the Prime Minister's office
        if any(p.type == "département" for p in places) and _water_before(doc, span.start):
            span.id_ = "<water noun> de <Name>"  # "une crue de la Loire": the river
            return span, _value("other", name, subtype="river")
        if label == "PER" and not _after_role(doc, span) and not (
                any(p.type == "epci" for p in places) and _whole_entity(doc, span)):
            return None  # "Élisabeth Borne"; but "Dinan Agglomération" read as a person is the EPCI
        if not compound and blocked_before(doc, span.start, linked_facilities=False):
            return None  # "Élisabeth Borne", "avenue de Grammont"
        if not compound and span.start > 0 and doc[span.start - 1].text == "-" and not doc[span.start - 1].whitespace_:
            return None  # "Météo-France": the end of a compound name
        after_article = prev is not None and prev.lower_ in ARTICLES
        after_prep = prev is not None and prev.lower_ in PREPOSITIONS
        exact_ner = label in NER_LABELS and _whole_entity(doc, span)
        if label == "ORG" and not (after_prep or after_article):
            return None  # "Santé publique France", "France Rénov'": a name inside an organisation's
        score = self._evidence(doc, span, name, places, exact_ner, after_article) + (3 if compound else 0)
        if score < 1:
            return None
        if label in NER_LABELS:
            rule = "NER <Name>"
        elif after_prep or after_article:
            rule = "<prep> <Name>"
        elif compound:
            rule = "<Name>-<Name>"
        else:
            rule = "<Name>"
        kind = choose_type(places, after_article)
        return _with_rule(span, rule, [p for p in places if p.type == kind])

    def _evidence(self, doc: Doc, span: Span, name: str, places: list[Place], exact_ner: bool,
                  after_article: bool) -> int:
        """The weight of the evidence that a name of the table names a place here."""
        w = WEIGHTS
        score = 0
        attrs = token_attrs(doc)
        lower, start = attrs.lower, span.start
        before = lower[start - 1] if start > 0 else ""
        if before in ARTICLES and any(p.type in AREA_TYPES for p in places):
            score += w.area_article  # "le Var", "du Nord": an article names a département or a region, never a commune
        if before in LINK_ARTICLES and start > 1:  # "dans la Manche", "de la Somme"
            before = lower[start - 2]
        if before in LOCATIVES:
            score += w.locative
        elif before in PREPOSITIONS:
            score += w.link
        if exact_ner:
            score += w.ner
        # (`Token.is_alpha` is `str.isalpha` of the word)
        words, pos = attrs.text, attrs.pos
        if all(pos[i] == "PROPN" for i in range(start, span.end) if words[i].isalpha()):
            score += w.proper
        text = span_text(span)
        if " " in text or "-" in text:  # as written: "du Palais" is one word of "Le Palais"
            score += w.several_words
        population = max((p.population for p in places), default=0)
        score += w.city if population >= CITY else w.town if population >= TOWN else 0
        if before in LINKS and not SEATS.isdisjoint(lower[max(0, start - 6):start - 1]):
            score += w.seat  # "l'antenne GIGN d'Orange", "le commissariat de Tours"
        if is_sentence_start(span[0]):
            score += w.sentence_start
        written = text.replace("’", "'")  # "du Palais" is "Le Palais": judge the word written
        if written.lower() in COMMON_WORDS:
            score += w.ambiguous_name
        elif self.ordinary(written):
            score += w.ordinary_word
        return score

    def _named_entities(self, doc: Doc, taken: set[int], found: list[tuple[Span, dict]]) -> list[tuple[Span, dict]]:
        """NER places outside the table: a neighbourhood named before, else a place of type "other"
        when it passes the filters (not an institution, an acronym, a street or a common word)."""
        neighbourhoods = {v["name"]: v for _, v in found if v["type"] == "neighbourhood"}
        result = []
        for ent in entities(doc):
            if ent.label_ not in NER_LABELS or any(i in taken for i in range(ent.start, ent.end)):
                continue
            span = _trim(ent)
            if span is None:
                continue
            if span.text in self.places.by_name or len(span.text) < 3:
                continue  # judged by the table pass; "F", "G" (energy classes)
            if span.text in neighbourhoods:
                span.id_ = "NER <known neighbourhood>"
                result.append((span, dict(neighbourhoods[span.text])))
            elif _plausible_other(doc, span) and self._named_other(doc, span):
                span.id_ = "NER <Name>"
                result.append((span, _value("other", span.text)))
        return result


    def _named_other(self, doc: Doc, span: Span) -> bool:
        """A NER place outside the table needs more than the NER: it is no ordinary word
        ("Pilotage", "Cibles", "Universités"), no plural of inhabitants ("les Ligériens"), no
        glued heading ("Organismesdeconseilsagricoles"), and it is not a word alone at the start
        of a line or a sentence unless a locative preposition comes before it."""
        words = [t for t in span if t.is_alpha]
        if not words or any(len(t) > 20 for t in words):
            return False
        if len(words) == 1 and (self.ordinary(words[0].text) or is_demonym(words[0].text)):
            return False
        if any(self.ordinary(t.text) and t.text[:1].isupper() for t in words[-1:]) and len(span) <= 3 \
                and "-" in span.text:
            return False  # "Multi-partenarial"
        if len(words) > 1 and all(self.ordinary(t.text) or t.pos_ in ("NOUN", "ADJ") for t in words) \
                and _inside_title(doc, span.start):
            return False  # "Dotation d'Equipement aux Territoires Ruraux": words of a title-case name
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        return not is_sentence_start(span[0]) or before in LOCATIVES


def _capitalised(word: str) -> bool:
    """A word in capitals, of two letters or more: "FORS", "L'ISLE"."""
    return len(word) > 1 and word.isupper() and word.replace("'", "").replace("’", "").isalpha()


def _inside_title(doc: Doc, start: int) -> bool:
    """The words before `start` continue a title-case name: a capitalised word (not the first of
    its sentence), then a link and maybe an article ("Fonds d'Aide aux", "Prix de la")."""
    i = start - 1
    if i >= 0 and doc[i].lower_ in LINK_ARTICLES:
        i -= 1
    if i >= 0 and (doc[i].lower_ in LINKS or doc[i].lower_ in PREPOSITIONS):
        i -= 1
    else:
        return False
    return i >= 0 and doc[i].is_alpha and doc[i].text[:1].isupper() and not is_sentence_start(doc[i])


# "de" fused with an article: "du", "des".
_FUSED_LINKS = LINKS - DE


def _water_before(doc: Doc, start: int) -> bool:
    """A noun of a river's water or banks before the name, with an article or "du"/"des" and
    at most one adjective between: "une crue majeure de la Loire", "les digues du Cher"."""
    attrs = token_attrs(doc)
    lower = attrs.lower
    i = start - 1
    if i >= 0 and lower[i] in LINK_ARTICLES:
        i -= 1
        if i >= 0 and lower[i] in LINKS:
            i -= 1
        else:
            return False
    elif i >= 0 and lower[i] in _FUSED_LINKS:
        i -= 1
    else:
        return False
    if i >= 0 and attrs.pos[i] == "ADJ" and lower[i] not in WATER:
        i -= 1
    return i >= 0 and lower[i] in WATER


def _value(kind: str, name: str, code: str | None = None, candidates: list[str] | None = None,
           subtype: str | None = None) -> dict:
    """A place's value; a kind of the table shown as "other" gets its subtype ("epci" ->
    "intercommunality")."""
    if kind in SUBTYPES:
        kind, subtype = "other", SUBTYPES[kind]
    key = f"{subtype or kind}:{code}" if code else f"{subtype or kind}:{name.casefold()}"
    return {"key": key, "name": name, "type": kind, "code": code, "candidates": candidates or [], "subtype": subtype}


def _with_rule(span: Span, rule: str, places: list[Place]) -> tuple[Span, dict]:
    """A span and its value; homonymous communes keep all their places until resolved."""
    span.id_ = rule
    best = max(places, key=lambda p: p.population)
    value = _value(best.type, best.name.replace("’", "'"), best.code)
    if len(places) > 1:
        value["_places"] = places
    return span, value


def _trim(ent: Span) -> Span | None:
    """Drop articles and line breaks at the edges of an entity, and cut it at a line break."""
    trimmed = trim_entity(ent, ARTICLES)
    return trimmed if len(trimmed) else None


def _plausible_other(doc: Doc, span: Span) -> bool:
    """Whether a NER place outside the table may be a real place of type "other"."""
    first = span[0]
    if any(t.lower_ in INSTITUTIONS for t in span) or any(t.is_upper and len(t) > 1 for t in span):
        return False  # "l'État", "la Région", "ARS", "TAD"
    if any(t.text[:1].islower() and t.is_alpha and t.lower_ not in PREPOSITIONS and t.lower_ not in ARTICLES
           for t in span):
        return False  # "communauté de communes", "autoroute A10"
    if blocked_before(doc, span.start) or first.lower_ in _ACTOR_WORDS() or first.lower_ in FACILITIES:
        return False
    if any(t.lower_ in FIRMS and t.text.islower() for t in doc[max(0, span.start - 2):span.start]):
        return False  # "notre cabinet conseil Azurine": the firm's name
    if len(span) == 1 and is_sentence_start(first) and first.pos_ != "PROPN":
        return False
    return not any(t.like_num for t in span)


# Nouns that introduce a neighbourhood's name ("quartier", "cité").
NEIGHBOURHOOD_NOUNS = frozenset(LEXICON.intro.get("neighbourhood", []))
# Determiners that make a neighbourhood noun indefinite ("une cité de Vauvert").
SOME = set(LEXICON.indefinite.words)


def _names_a_body(name: Span) -> bool:
    """A name that the actor lexicon knows as a body ("Anru", "ARS") or an acronym."""
    first = name[0]
    return first.lower_ in _ACTOR_WORDS() or first.is_upper and len(first) > 1


def _whole_entity(doc: Doc, span: Span) -> bool:
    """The span is a whole NER entity."""
    return (span.start, span.end) in entity_bounds(doc)


def _after_role(doc: Doc, span: Span) -> bool:
    """A role word sits between the start of the person entity and the place: the NER glued
    the jurisdiction to the name ("Paul DurandPréfet du Cantal")."""
    ent = next(e for e in entities(doc) if e.start <= span.start < e.end)
    return any(t.lower_ in ROLE_FIRST_WORDS for t in doc[ent.start:span.start])


@cache
def _ACTOR_WORDS() -> frozenset[str]:  # noqa: N802 - a cached constant
    """Lower-case names of public bodies known to the actor lexicon ("parquet", "ars"): the NER
    takes them for places, the lexicon wins."""
    # First words too: the NER cuts "Assurance" out of "Assurance maladie".
    return org_words() | {w.split()[0] for w in org_words()}


def _resolve_homonyms(doc: Doc, found: list[tuple[Span, dict]]) -> None:
    """Pick the commune a homonym means: the one in a département named in the text (or given in
    brackets, "Saint-Denis (93)"), else in the département of another commune of the text, else
    the most populous, with all codes in `candidates`."""
    named = {v["code"] for _, v in found if v["type"] == "département" and v["code"]}
    nearby = {p.dep for _, v in found if v["type"] == "commune" and "_places" not in v
              for p in table().by_name.get(v["name"], []) if p.code == v["code"]}
    for span, value in found:
        places: list[Place] | None = value.pop("_places", None)
        if not places:
            continue
        bracket = doc[span.end + 1].text if span.end + 2 < len(doc) and doc[span.end].text == "(" else None
        for context in ({bracket}, named, nearby):
            matching = [p for p in places if p.dep in context]
            if len(matching) == 1:
                value.update(_value(matching[0].type, value["name"], matching[0].code))
                break
        else:
            value["candidates"] = sorted(p.code for p in places if p.code)
