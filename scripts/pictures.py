"""Take the README's pictures of a text: its review page and its measures_flat.csv in a grid.

    python scripts/pictures.py ../shared/seed/000_40eae69a9213145d.txt

writes docs/review-seed.png and docs/tables-seed.png with headless Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2
from click.testing import CliRunner

from plan_extract.cli import main

ROOT = Path(__file__).resolve().parent.parent
# Columns of measures_flat.csv shown in the picture (the others are offsets and ids).
SHOWN = ["measure_id", "label", "status", "category", "actors", "amounts", "dates", "places", "quantities"]
GRID = jinja2.Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 0; font: 13px/1.35 "DejaVu Sans", sans-serif; background: #fff; }
table { border-collapse: collapse; } th, td { border: 1px solid #c8c8c8; padding: 3px 6px; vertical-align: top;
max-width: 15rem; } th { background: #eef1f5; font-weight: 600; text-align: left; }
td:nth-child(8) { white-space: nowrap; }
td.n, th.n { background: #eef1f5; color: #555; text-align: right; }
</style></head><body><table><tr><th class="n"></th>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for row in rows %}<tr><td class="n">{{ row["measure_id"][2:]|int + 1 }}</td>{% for c in columns %}<td>{{ row[c] }}</td>{% endfor %}</tr>
{% endfor %}</table></body></html>""", autoescape=True)


def shoot(chromium: str, page: Path, picture: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--hide-scrollbars", f"--window-size={size}", f"--screenshot={picture}", page.as_uri()],
                       check=True, capture_output=True)


def main_(text: Path) -> None:
    chromium = shutil.which("chromium") or sys.exit("needs Debian's chromium (apt-get install chromium)")
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for args in ([str(text), "-o", str(work / "out" / "seed.json")],
                     ["review", str(work / "out" / "seed.json"), "-o", str(work / "seed.html")],
                     ["tables", str(work / "out"), "--csv", str(work / "csv")]):
            result = runner.invoke(main, args)
            if result.exit_code:
                sys.exit(result.output)
        shoot(chromium, work / "seed.html", ROOT / "docs" / "review-seed.png", "1000,760")
        with (work / "csv" / "measures_flat.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        # The first measures, and those with money, which a reader of the picture looks for.
        rows = rows[:5] + [row for row in rows[5:] if row["amounts"]][:3]
        (work / "grid.html").write_text(GRID.render(columns=SHOWN, rows=rows), encoding="utf-8")
        shoot(chromium, work / "grid.html", ROOT / "docs" / "tables-seed.png", "1000,410")


if __name__ == "__main__":
    main_(Path(sys.argv[1]))
