"""The command line: a thin skin over `plan_extract.batch`, `plan_extract.evaluate` and the models.

Exit codes: 0 every input succeeded; 1 one or more inputs could not be processed (each has a
one-line error on stderr and, in a batch, a record in the report); 2 a usage error.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click_default_group import DefaultGroup

from plan_extract import __version__, server_settings
from plan_extract.reading import DEFAULT_GLOB, DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from plan_extract import batch
    from plan_extract.batch import Outcome
    from plan_extract.lexicon import UserLexicon

EXIT_INPUT = 1


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-01-12") from None


def _cluster(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or value == "local" or "://" in value:
        return value
    raise click.BadParameter(f"{value!r} is not a cluster; write local, or a scheduler address such as "
                             "tcp://10.0.0.5:8786")


def _lexicon(ctx: click.Context, param: click.Parameter, value: Path | None) -> UserLexicon | None:
    """Read and check a user lexicon file before any text is read: one line says what is wrong.
    Its words, not its path, go to the processes that extract (local workers, Dask workers)."""
    if value is None:
        return None
    from plan_extract.lexicon import LexiconError, read_user_lexicon

    try:
        return read_user_lexicon(str(value))
    except LexiconError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(cls=DefaultGroup, default="extract", default_if_no_args=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="plan-extract")
def main() -> None:
    """Extract the measures of public plans from French press releases, as JSON.

    \b
    Examples:
        plan-extract communique.txt
        plan-extract corpus/ --out results/
        plan-extract eval corpus/
        plan-extract schema > schemas/plan-extract.schema.json
    """


@main.command("extract")
@click.argument("sources", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--out", type=click.Path(),
              help="Write the JSON here: a file for one input (or with --jsonl); a folder (an existing "
                   "one, or a path ending in /) for a batch or for one input.")
@click.option("--document-date", callback=_date, metavar="YYYY-MM-DD",
              help="Date of the texts, to resolve relative dates; otherwise found in each text.")
@click.option("--compact", is_flag=True,
              help="One-line JSON instead of indented JSON (also for each file of a batch; --jsonl lines "
                   "are always one line).")
@click.option("--jsonl", is_flag=True, help="Stream one JSON object per line (to stdout or to --out FILE).")
@click.option("--report", "with_report", is_flag=True,
              help="With --jsonl: end the stream with a report line ({\"report\": …}).")
@click.option("--glob", "pattern", default=DEFAULT_GLOB, show_default=True,
              help="Which files of a folder to read: glob patterns, separated by commas.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Worker processes for a batch. [default: all cores]")
@click.option("--resume", is_flag=True, help="Skip inputs whose output in --out is complete and newer.")
@click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS, show_default=True,
              help="Refuse texts longer than this many characters.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Print each file as it is done.")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV (with a header row) or JSONL file of inputs: path or url, optional document_date "
                   "(YYYY-MM-DD) and id (names the output).")
@click.option("--save-text", is_flag=True,
              help="Write the text as read (offsets index it) beside each JSON output, as NAME.txt.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a URL to answer.")
@click.option("--dask", "cluster", callback=_cluster, metavar="local|tcp://HOST:8786",
              help="Run the batch on Dask: a local cluster of --jobs workers, or the scheduler at this "
                   "address (needs plan-extract[dask]).")
@click.option("--lexicon", type=click.Path(exists=True, dir_okay=False, path_type=Path), callback=_lexicon,
              metavar="FILE", help="Your own words (bodies, roles, places, units, currencies, measure "
                                   "triggers) in a TOML file; see docs/lexicon.md.")
def extract_command(sources: tuple[str, ...], out: str | None, document_date: str | None, compact: bool,
                    jsonl: bool, with_report: bool, pattern: str, jobs: int | None, resume: bool,
                    max_chars: int, quiet: bool, verbose: bool, manifest: Path | None, save_text: bool,
                    timeout: float, cluster: str | None, lexicon: UserLexicon | None) -> None:
    """Extract plan data from FILE(s), folder(s) or URL(s): plain text, web pages (.html) and PDF
    files; "-" reads standard input.

    \b
    Examples:
        plan-extract article.txt
        plan-extract page.html
        plan-extract communique.pdf --save-text -o results/
        plan-extract https://www.example.fr/actualites/plan.html
        plan-extract article.txt --document-date 2023-01-12 -o article.json
        cat article.txt | plan-extract -
        plan-extract corpus/ -o results/ --jobs 2
        plan-extract --manifest sources.csv -o results/
        plan-extract corpus/ --jsonl --report > all.jsonl
        plan-extract archive/ -o results/ --dask tcp://scheduler:8786
    """
    from plan_extract import batch

    # An address keeps its "//" (a Path would make "ftp:/host"), to be named as written.
    paths = tuple(source if "://" in source else Path(source) for source in sources)
    if with_report and not jsonl:
        raise click.UsageError("--report goes with --jsonl (a folder batch writes OUTDIR/_report.json).")
    if not paths and manifest is None:
        raise click.UsageError("give a FILE, a folder, a URL or - (standard input), or --manifest FILE.")
    if paths and manifest is not None:
        raise click.UsageError("give either SOURCES or --manifest FILE, not both.")
    if save_text and (out is None or jsonl):
        raise click.UsageError("--save-text writes NAME.txt beside each output: give --out FILE or --out FOLDER "
                               "(not --jsonl).")
    single = manifest is None and len(paths) == 1 and (str(paths[0]) == "-" or not Path(paths[0]).is_dir()) and not jsonl
    out_path = Path(out) if out is not None else None
    # "-o results/" (or an existing folder) names a folder, even for one input.
    to_folder = out_path is not None and not jsonl and (
        not single or out.endswith(("/", os.sep)) or out_path.is_dir())
    if resume and not to_folder:
        raise click.UsageError("--resume needs a batch written to a folder: --out OUTDIR.")
    if to_folder and out_path.exists() and not out_path.is_dir():
        raise click.UsageError(f"--out {out} is a file; a batch needs a folder.")
    try:
        if manifest is not None:
            inputs = batch.from_manifest(manifest, out_path if to_folder else None)
        else:
            inputs = batch.collect(paths, out_path if to_folder else None, pattern)
        batch.check_inputs_kept(inputs.jobs, None if to_folder else out_path, save_text)
    except batch.ClashError as exc:
        raise click.UsageError(str(exc)) from None
    except batch.InputError as exc:
        raise click.ClickException(str(exc)) from None
    # Everything that can be checked without the model is checked first: it takes seconds to load.
    try:
        if to_folder:
            batch.check_writable(out_path)
        elif out_path is not None:
            batch.check_writable(out_path.parent)
    except batch.InputError as exc:
        raise click.ClickException(str(exc)) from None
    if cluster is not None and (single or any(job.source == "-" for job in inputs.jobs)):
        raise click.UsageError("--dask runs a batch of files: give a folder or several files (not standard input).")
    settings = batch.Settings(document_date, max_chars, None if compact or jsonl else 2, save_text, timeout, lexicon)
    try:
        if single:
            _extract_one(inputs, out_path, settings)
        else:
            _extract_batch(inputs, out_path, to_folder, settings, with_report, jobs, resume, quiet, verbose, cluster)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(batch.EXIT_INTERRUPTED)


def _extract_one(inputs: batch.Inputs, out: Path | None, settings: batch.Settings) -> None:
    from plan_extract import batch
    from plan_extract.reading import read_document

    if inputs.refused:
        click.echo(f"Error: {inputs.refused[0].error}", err=True)
        sys.exit(EXIT_INPUT)
    job = inputs.jobs[0]
    try:
        document = read_document(job.source, settings.max_chars, settings.timeout)
    except batch.InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    output, error = batch.extract_document(document, settings)
    if error is not None:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_INPUT)
    target = Path(job.target) if job.target is not None else out
    if target is None:
        click.echo(output)
        return
    try:
        batch.write_atomic(target, output + "\n")
        if settings.save_text:
            batch.write_atomic(batch.text_path(target), document.text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None


def _extract_batch(inputs: batch.Inputs, out: Path | None, to_folder: bool, settings: batch.Settings,
                   with_report: bool, jobs: int | None, resume: bool, quiet: bool, verbose: bool,
                   cluster: str | None = None) -> None:
    from plan_extract import batch

    report = batch.Report(skipped_paths=inputs.skipped_paths)
    for refused in inputs.refused:
        click.echo(f"Error: {refused.error}", err=True)
        report.record(refused)
    todo = inputs.jobs
    if resume:
        kept = [job for job in todo if not batch.up_to_date(job)]
        report.skipped, todo = len(todo) - len(kept), kept
    try:
        stream = open(out, "w", encoding="utf-8") if (out is not None and not to_folder) else None  # noqa: SIM115
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    sink = stream or sys.stdout

    def on_output(outcome: batch.Outcome) -> None:
        if outcome.target is not None:
            if outcome.text is not None:
                batch.write_atomic(batch.text_path(Path(outcome.target)), outcome.text)
            batch.write_atomic(Path(outcome.target), outcome.json + "\n")
        else:
            sink.write(outcome.json + "\n")
            sink.flush()
        if verbose:
            click.echo(f"ok {outcome.source}", err=True)

    progress = batch.Progress(len(todo)) if sys.stderr.isatty() and not quiet and not verbose and todo else None
    workers = jobs or os.cpu_count() or 1
    if not todo:
        outcomes: Iterator[Outcome] = iter(())
    elif cluster is None:
        outcomes = batch.run(todo, workers, settings=settings)
    else:
        dask_batch = _optional("plan_extract.dask_batch", "dask")
        try:
            outcomes = dask_batch.run(todo, cluster, workers, settings)
        except dask_batch.ClusterError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        batch.consume(_shown(outcomes, progress), on_output, report)
    except KeyboardInterrupt:
        batch.interrupted(report, todo[report.files - len(inputs.refused):])
    finally:
        outcomes.close() if hasattr(outcomes, "close") else None
        if progress is not None:
            progress.close()
        if stream is not None:
            stream.close()
    if with_report:
        sink.write(report.as_json() + "\n")
    if to_folder:
        batch.write_atomic(out / batch.REPORT_NAME, json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    if not quiet:
        click.echo(report.summary(), err=True)
    if report.interrupted:
        sys.exit(batch.EXIT_INTERRUPTED)
    if report.failed:
        sys.exit(EXIT_INPUT)


def _shown(outcomes: Iterator[Outcome], progress: batch.Progress | None) -> Iterator[Outcome]:
    """Pass outcomes through, printing each error as one line on stderr as it happens."""
    for outcome in outcomes:
        if outcome.error is not None:
            click.echo(f"Error: {outcome.error}", err=True)
        if progress is not None:
            progress.advance()
        yield outcome


@main.command("eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
@click.option("--details", is_flag=True, help="Also list every missed and spurious item.")
@click.option("--given-dates", is_flag=True,
              help="Give each text its publication date (from its gold or NAME.meta.json), as users "
                   "pass dates from their metadata; the table with dates found in the text follows.")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="Give each text the document_date of its row in this CSV or JSONL manifest (as for extract).")
def eval_command(folder: Path, as_json: bool, details: bool, given_dates: bool, manifest: Path | None) -> None:
    """Score the extractor against the gold files of FOLDER (NAME.txt beside NAME.gold.json).

    \b
    Example:
        plan-extract eval corpus/
        plan-extract eval ../shared/realtexts --given-dates
        plan-extract eval corpus/ --manifest dates.csv
    """
    from plan_extract.evaluate import corpus_pairs, evaluate
    from plan_extract.gold import GoldError

    if not corpus_pairs(folder):
        raise click.ClickException(f"{folder}: no NAME.txt with a NAME.gold.json beside it")
    if manifest is not None and given_dates:
        raise click.UsageError("give either --given-dates or --manifest FILE, not both.")
    dates = None
    if manifest is not None:
        from plan_extract.inputs.manifest import read_manifest
        from plan_extract.reading import InputError

        try:
            rows, bad = read_manifest(manifest)
        except InputError as exc:
            raise click.ClickException(str(exc)) from None
        for row in bad:
            click.echo(f"Error: {row.message}", err=True)
        dates = {Path(row.source).resolve(): row.document_date for row in rows}
    try:
        report = evaluate(folder, given_dates=given_dates, manifest_dates=dates)
        found = evaluate(folder) if given_dates or dates is not None else None
    except GoldError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        data = report.as_dict()
        if found is not None:
            data = {"given_dates": data, "dates_from_text": found.as_dict()}
        click.echo(json.dumps(data, indent=2))
    else:
        if found is not None:
            click.echo("document date given:")
        click.echo(report.table())
        if found is not None:
            click.echo("\ndocument date found in the text:")
            click.echo(found.table())
    if details:
        click.echo(report.details())


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the loopback by default: only this machine can call).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, shown when ready).")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Extraction processes; each loads the pipeline once and takes one text at a time.")
@click.option("--max-chars", "server_max_chars", type=click.IntRange(1), default=server_settings.DEFAULT_MAX_CHARS, show_default=True,
              help="Refuse longer texts (413).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=server_settings.DEFAULT_TIMEOUT, show_default=True,
              help="Seconds a text may take (else 504) and may wait for a free process (else 503).")
@click.option("--max-body-mb", type=click.IntRange(1), default=server_settings.DEFAULT_MAX_BODY_MB, show_default=True,
              help="Refuse larger request bodies (413).")
@click.option("--max-queue", type=click.IntRange(0), default=server_settings.DEFAULT_MAX_QUEUE, show_default=True,
              help="Requests that may wait for a busy process; more get 503 at once.")
@click.option("--lexicon", type=click.Path(exists=True, dir_okay=False, path_type=Path), callback=_lexicon,
              metavar="FILE", help="Your own words in a TOML file; see docs/lexicon.md.")
def serve_command(host: str, port: int, workers: int, server_max_chars: int, timeout: float,
                  max_body_mb: int, max_queue: int, lexicon: UserLexicon | None) -> None:
    """Serve the extractor over HTTP: POST /extract, POST /extract/batch, GET /health, /schema, /version.

    \b
    Example:
        plan-extract serve --port 8000 --workers 2
    then POST a text (text/plain) or {"text": ...} (application/json) to http://127.0.0.1:8000/extract
    """
    server = _optional("plan_extract.server", "serve")
    settings = server_settings.Settings(workers=workers, max_chars=server_max_chars, timeout=timeout,
                                        max_body=max_body_mb * 1024 * 1024, max_queue=max_queue,
                                        lexicon=lexicon)
    try:
        server.serve(host, port, settings)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _optional(module: str, extra: str) -> Any:
    """Import a module that needs an optional extra, or stop with the command that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "plan_extract":
            raise
        raise click.ClickException(f"this needs the optional packages of plan-extract[{extra}] "
                                   f"({exc.name} is missing): in the plan-extract folder, pip install '.[{extra}]'") from None


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the output (committed as schemas/plan-extract.schema.json)."""
    from plan_extract.models import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@main.command("tables")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--csv", "csv_dir", type=click.Path(path_type=Path),
              help="Write one CSV file per table into this folder (and measures_flat.csv).")
@click.option("--sqlite", "database", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the tables into this SQLite file; a document written again replaces its rows.")
@click.option("--bom", is_flag=True, help="Start each CSV file with a UTF-8 byte-order mark (for Excel).")
def tables_command(sources: tuple[Path, ...], csv_dir: Path | None, database: Path | None, bom: bool) -> None:
    """Turn extraction outputs (a batch's --out folder, a JSONL file, JSON files) into tables.

    \b
    Examples:
        plan-extract tables results/ --csv tables/
        plan-extract tables all.jsonl --sqlite plans.db
    """
    from plan_extract import tables

    if not csv_dir and not database:
        raise click.UsageError("say where to write the tables: --csv DIR and/or --sqlite FILE")
    try:
        summary = tables.write(sources, csv_dir, database, bom, functools.partial(click.echo, err=True))
    except tables.TablesError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line(), err=True)
    if summary.errors:
        sys.exit(EXIT_INPUT)


@main.command("review")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path),
              help="The HTML page to write; for a batch, the folder of pages and index.html.")
@click.option("--texts", type=click.Path(exists=True, path_type=Path),
              help="The text file, or a folder of texts, when the paths in the outputs no longer lead to them.")
def review_command(source: Path, out: Path, texts: Path | None) -> None:
    """Write a review page: the text with every extracted item highlighted, and its measures.

    SOURCE is one JSON output, or a batch's output folder or JSONL file (one page per document
    and an index).

    \b
    Examples:
        plan-extract review article.json -o article.html
        plan-extract review results/ -o site/
    """
    from plan_extract import review

    try:
        summary = review.write(source, out, texts, functools.partial(click.echo, err=True))
    except review.ReviewError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line(), err=True)
    if summary.errors:
        sys.exit(EXIT_INPUT)
