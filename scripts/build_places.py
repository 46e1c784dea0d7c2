"""Build the offline table of French places (communes, départements, régions, intercommunalités).

Reads the JSON data of the npm package ``@etalab/decoupage-administratif``
(INSEE Code officiel géographique, Licence Ouverte) and writes
``src/plan_extract/dims/location/places.tsv.gz`` plus its provenance note
``PLACES.md`` beside it.

Usage::

    python scripts/build_places.py --install             # npm install into a temp dir
    python scripts/build_places.py --npm-dir /some/dir   # uses /some/dir/node_modules/...
    python scripts/build_places.py --install --version 6.0.0 --with-com

Rows: regions, then départements, then communes, each sorted by INSEE code, then the
intercommunalités (EPCI à fiscalité propre, type ``epci``) sorted by SIREN code. An EPCI row
holds the name texts use, without the legal prefix ("CA Dinan Agglomération" -> "Dinan
Agglomération", "CU du Grand Poitiers" -> "Grand Poitiers"), its SIREN code, the département and
region of most of its member communes and its total population; one-word names ("CC du
Perche") and names that are already places of the table are left out (too ambiguous).
Only ``commune-actuelle`` communes are kept (no arrondissements municipaux,
communes déléguées or associées). The collectivités d'outre-mer (975, 977,
978, 984, 986-989), which the package lists as pseudo-régions/départements,
are left out unless ``--with-com`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import gzip
import json
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
OUT_DIR = Path(__file__).resolve().parents[1] / "src/plan_extract/dims/location"
COLUMNS = ("type", "name", "code", "dep", "reg", "population")
TYPE_ORDER = {"region": 0, "département": 1, "commune": 2, "epci": 3}
# Legal prefixes of EPCI names and the links that may follow them.
EPCI_PREFIX = re.compile(r"^(?:CC|CA|CU)\s+(?:du\s+|de\s+la\s+|de\s+l'|des\s+|de\s+|d')?")

Row = tuple[str, str, str, str, str, str]


def load(pkg: Path, name: str) -> list[dict]:
    return json.loads((pkg / "data" / f"{name}.json").read_text(encoding="utf-8"))


def build_rows(pkg: Path, with_com: bool) -> list[Row]:
    """Turn the package's regions/departements/communes JSON into table rows."""
    keep = {"metro", "drom"} | ({"com"} if with_com else set())
    rows: list[Row] = []
    for r in load(pkg, "regions"):
        if r["zone"] in keep:
            rows.append(("region", r["nom"], r["code"], "", "", ""))
    for d in load(pkg, "departements"):
        if d["zone"] in keep:
            rows.append(("département", d["nom"], d["code"], "", d["region"], ""))
    for c in load(pkg, "communes"):
        if c["type"] == "commune-actuelle" and c["zone"] in keep:
            pop = str(c.get("population", ""))
            rows.append(("commune", c["nom"], c["code"], c["departement"], c["region"], pop))
    rows += epci_rows(pkg, rows)
    rows.sort(key=lambda row: (TYPE_ORDER[row[0]], row[2]))
    return rows


def epci_name(official: str) -> str:
    """The name texts use for an EPCI: its official name without the legal prefix.

    >>> epci_name("CU du Grand Poitiers"), epci_name("CA Dinan Agglomération")
    ('Grand Poitiers', 'Dinan Agglomération')
    """
    return EPCI_PREFIX.sub("", official).strip()


def epci_rows(pkg: Path, places: list[Row]) -> list[Row]:
    """One row per EPCI whose usual name has several words and names no other place."""
    taken = {row[1] for row in places}
    dep_of = {row[2]: (row[3], row[4]) for row in places if row[0] == "commune"}
    rows: list[Row] = []
    for epci in load(pkg, "epci"):
        name = epci_name(epci["nom"])
        if " " not in name or name in taken:
            continue
        homes = Counter(dep_of[m["code"]] for m in epci["membres"] if m["code"] in dep_of)
        if not homes:
            continue  # outside the kept zones
        dep, reg = homes.most_common(1)[0][0]
        rows.append(("epci", name, epci["code"], dep, reg, str(epci.get("populationTotale", ""))))
    return rows


def write_tsv(rows: list[Row], path: Path) -> None:
    """Write a reproducible gzip (no mtime, no embedded file name)."""
    text = "\t".join(COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    with open(path, "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def write_notes(path: Path, version: str, rows: list[Row], with_com: bool) -> None:
    counts = Counter(r[0] for r in rows)
    scope = "including" if with_com else "excluding"
    table = "\n".join(f"| {t} | {counts[t]} |" for t in TYPE_ORDER)
    path.write_text(
        f"""# places.tsv.gz — provenance

- Source: npm package `{PACKAGE}` version **{version}**
  (data from INSEE's Code officiel géographique; populations: INSEE populations légales).
- Licence: data under Licence Ouverte / Open Licence (Etalab); package code MIT.
- Built: {dt.date.today().isoformat()} by `scripts/build_places.py`.
- Scope: régions, départements and communes of type `commune-actuelle`
  (arrondissements municipaux, communes déléguées and associées left out),
  {scope} the collectivités d'outre-mer (975, 977, 978, 984, 986-989);
  intercommunalités (EPCI à fiscalité propre: CC, CA, CU, métropoles) of type `epci`, named
  without their legal prefix ("Dinan Agglomération"), with their SIREN code as `code`, the
  département and region of most of their communes, and their total population (one-word
  names and names of other places left out).
- Format: gzip of a UTF-8 TSV with header row `{" | ".join(COLUMNS)}` (tab-separated).
  `dep` is set for communes and EPCI, `reg` for communes, départements and EPCI,
  `population` for communes and EPCI (empty if unknown). Rows are sorted by
  type (region, département, commune, epci) then code.

| type | rows |
| --- | --- |
{table}

Rebuild (needs npm and the npm registry):

```
python scripts/build_places.py --install
```
""",
        encoding="utf-8",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--npm-dir", type=Path, help="folder holding node_modules/")
    src.add_argument("--install", action="store_true", help="npm install into a temp dir")
    ap.add_argument("--version", default=DEFAULT_VERSION, help="package version for --install")
    ap.add_argument("--with-com", action="store_true", help="keep collectivités d'outre-mer")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = args.npm_dir
        if args.install:
            root = Path(tmp)
            subprocess.run(
                ["npm", "install", "--no-save", "--prefix", tmp, f"{PACKAGE}@{args.version}"],
                check=True,
            )
        pkg = root / "node_modules" / PACKAGE
        version = json.loads((pkg / "package.json").read_text(encoding="utf-8"))["version"]
        rows = build_rows(pkg, args.with_com)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / "places.tsv.gz"
    write_tsv(rows, out)
    write_notes(args.out_dir / "PLACES.md", version, rows, args.with_com)
    print(f"{out}: {len(rows)} rows, {out.stat().st_size} bytes, {PACKAGE}@{version}")


if __name__ == "__main__":
    main()
