"""The output contract: pydantic models are the single source of truth.

`schemas/plan-extract.schema.json` is generated from `Extraction` (serialization mode) and
committed; `plan-extract schema` prints it. Every extracted item carries character offsets into
the text as read (`text == input[start:end]`), its sentence index and the rule that produced it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

SCHEMA_VERSION = "1.0"


def _decimal_to_json(value: Decimal) -> int | float:
    """Serialise a Decimal as a JSON number: an int when integral ("258000", not 258000.0)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


Amount = Annotated[
    Decimal,
    PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json"),
    Field(description="A decimal number, written as a JSON number."),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Strict):
    """A stretch of the input: `text == input[start:end]`."""

    text: str
    start: int = Field(ge=0, description="Offset of the first character (Unicode code points).")
    end: int = Field(ge=0, description="Offset just after the last character.")

    @model_validator(mode="after")
    def _check_order(self) -> Span:
        if self.end < self.start or len(self.text) != self.end - self.start:
            raise ValueError(f"span {self.text!r} does not fit its offsets {self.start}:{self.end}")
        return self


class Mention(Span):
    """An extracted item: where it is, in which sentence, and which rule found it."""

    id: str = Field(pattern=r"^[a-z]+[0-9]+$", description="Stable id within the document, e.g. 'q1'.")
    sentence: int = Field(ge=0, description="Index of the sentence holding the item.")
    rule: str = Field(description="Name of the rule that produced the item.")


Qualifier = Literal["approx", "more_than", "less_than", "at_least", "at_most", "up_to"]


class Quantity(Mention):
    kind: Literal["quantity"] = "quantity"
    value: Amount
    unit: str = Field(description="Canonical unit code: count, kg, g, mg, t, l, m, km, m2, ha, %, pt, ...; "
                                  "for a rate, the counted noun and its base ('faits pour 100 000 habitants').")
    counted: str | None = Field(None, description="What is counted or measured (singular lemma).")
    approx: Qualifier | None = Field(None, description="Approximation or bound written before the number.")
    min: Amount | None = Field(None, description="Lower bound of a range ('entre 3 et 5').")
    max: Amount | None = Field(None, description="Upper bound of a range.")
    base_value: Amount | None = Field(None, description="Value converted to the base unit (g, m, m2, l).")
    base_unit: str | None = None
    change: Literal["increase", "decrease", "delta"] | None = Field(
        None, description="The figure is a change ('en hausse de 12 %', '+3 points', '130 de plus'), not a level."
    )
    per: str | None = Field(None, description="Base of a rate, singular lemma: 'habitant' in '3,9 faits pour 100 000 habitants'.")
    per_value: Amount | None = Field(None, description="Size of the base of a rate: 100000 in '3,9 faits pour 100 000 habitants'.")


class Money(Mention):
    kind: Literal["money"] = "money"
    value: Amount
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    approx: Qualifier | None = None
    min: Amount | None = None
    max: Amount | None = None
    per: str | None = Field(None, description="Rate qualifier: 'an', 'habitant', 'mois', ...")
    over: str | None = Field(None, description="Id of the duration the amount is spread over ('sur 3 ans').")
    change: Literal["increase", "decrease", "delta"] | None = None


class Date(Mention):
    kind: Literal["date"] = "date"
    type: Literal["date", "interval", "duration", "set"]
    value: str | None = Field(None, description="ISO 8601 at the text's own grain ('2023-01-12', '2023-01-12T18:30', '2021/2023-01-12', 'P3Y'); null when it cannot be resolved.")
    grain: str | None = Field(None, description="day, week, month, season, quarter, half, year, hour, ...")
    relative: bool = Field(False, description="Resolved against the document date.")
    anchor: str | None = Field(None, description="For sets: what recurs ('jeudi'), or the times of a daily range ('T07:00/T23:00').")


class MentionRef(Span):
    sentence: int = Field(ge=0)


class Actor(Mention):
    kind: Literal["actor"] = "actor"
    name: str
    type: Literal["organization", "person"]
    acronym: str | None = None
    role: str | None = Field(None, description="A person's function with its jurisdiction ('préfet de l'Orne').")
    category: str | None = Field(None, description="police, gendarmerie, justice, state, health, local_government, ...")
    location: str | None = Field(None, description="Id of the place in the actor's name or jurisdiction.")
    mentions: list[MentionRef]


class Location(Mention):
    kind: Literal["location"] = "location"
    name: str
    type: Literal["commune", "neighbourhood", "département", "region", "country", "other"]
    code: str | None = Field(None, description="INSEE (COG) code for communes, départements and regions; "
                                               "SIREN code for intercommunalities.")
    candidates: list[str] = Field(default_factory=list, description="COG codes of homonyms left ambiguous.")
    subtype: Literal["intercommunality", "natural_area", "river", "sector"] | None = Field(
        None, description="What a place of type 'other' is: an intercommunality (EPCI), a natural area "
                          "('baie de la Fresnaye'), a river, a sector of a plan ('secteur Galaure').")
    mentions: list[MentionRef]


class Measure(Mention):
    kind: Literal["measure"] = "measure"
    action: str = Field(description="Lemma of the action noun or verb ('création', 'renforcer').")
    label: str = Field(description="Short label built from the clause.")
    object: str | None = None
    status: Literal["done", "ongoing", "planned", "announced"]
    category: str
    actors: list[str] = Field(default_factory=list, description="Ids of actors.")
    targets: list[str] = Field(default_factory=list, description="Beneficiaries or targets, as written.")
    quantities: list[str] = Field(default_factory=list)
    money: list[str] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    evidence: list[Span] = Field(default_factory=list, description="Further mentions of the same action.")


class Plan(Span):
    name: str
    presented_by: list[str] = Field(default_factory=list, description="Ids of actors.")
    dates: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)


class Source(Strict):
    """Where the text came from and how it was read; offsets index the text as read (the main
    text of a page, the text of a PDF), which `--save-text` writes beside the output."""

    path: str | None = Field(description="The file read, the URL for a fetched page; null for standard input.")
    format: Literal["text", "html", "pdf"] = Field("text", description="The kind of input the text was read from.")
    url: str | None = Field(None, description="The address the input was fetched from (after redirects).")
    encoding: str | None = Field(
        None, description="The codec used to decode the input ('utf-8', 'utf-8-sig', 'utf-16', 'cp1252', ...); "
                          "null for a PDF.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the text as read, in UTF-8.")
    chars: int = Field(ge=0)


class DocumentDate(Strict):
    value: str | None = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    source: Literal["given", "metadata", "text", "none"] = Field(
        description="given: by the caller (option or manifest); metadata: a web page's publication date; "
                    "text: found in the text; none: no date.")
    evidence: Span | None = None


class Extraction(Strict):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    source: Source
    document_date: DocumentDate
    quantities: list[Quantity] = Field(default_factory=list)
    money: list[Money] = Field(default_factory=list)
    dates: list[Date] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    plan: Plan | None = None

    @model_validator(mode="after")
    def _check_links(self) -> Extraction:
        ids = {item.id for group in (self.quantities, self.money, self.dates, self.actors, self.locations)
               for item in group}
        for measure in self.measures:
            for link in (*measure.actors, *measure.quantities, *measure.money, *measure.dates, *measure.locations):
                if link not in ids:
                    raise ValueError(f"measure {measure.id} links to unknown item {link!r}")
        return self


def json_schema() -> dict:
    """The JSON Schema of the output, as committed in `schemas/`."""
    schema = Extraction.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
