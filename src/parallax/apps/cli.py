"""The `parallax` command line (Typer + Rich)."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(
    help="Parallax: one news story from every side.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stories_app = typer.Typer(
    help="List and show stories (storylines and events) in the store.", no_args_is_help=True
)
app.add_typer(stories_app, name="stories")

out = Console()
err = Console(stderr=True, soft_wrap=True)

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries.")]
DbOpt = Annotated[Path, typer.Option("--db", help="SQLite file (or SQLAlchemy URL) of the store.")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML file overriding Settings fields.")
]


_UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def safe_text(value: object) -> str:
    """A user-controlled string (file name, title, outlet) made safe for one Rich line:
    control, bidi and surrogate characters shown as visible escapes (so a newline or an
    escape code in a file name cannot split the line or drive the terminal), and Rich markup
    escaped (so "[red]evil.txt" prints as written and "/]" cannot raise MarkupError)."""

    text = _UNPRINTABLE.sub(
        lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value)
    )
    return escape(text)


def fail(message: str, code: int = 1) -> None:
    """One red line on stderr (the message is escaped: it usually names user paths)."""
    err.print(f"[bold red]error:[/] {safe_text(message)}", highlight=False)
    raise typer.Exit(code)


def progress_factory(quiet: bool) -> Callable[[str, int], Any]:
    """A context-manager factory yielding tick(n) callbacks; silent when quiet or not a TTY."""
    if quiet or not sys.stderr.isatty():
        from parallax.runner import no_progress

        return no_progress

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(label, total=total or None)
            yield lambda n: progress.advance(task, n)

    return bar


def silence_third_party() -> None:
    """-q: no progress bars or info logs from model libraries (the sentence-transformers
    "Loading weights" bar is transformers' tqdm, switched off through huggingface_hub's
    setting, which is read when those libraries are imported; set it before, and switch
    off bars of libraries already loaded)."""
    import logging
    import os

    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"
    os.environ["TRANSFORMERS_NO_ADVISORY_WARNINGS"] = "1"
    os.environ["TQDM_DISABLE"] = "1"
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("transformers", "sentence_transformers", "huggingface_hub", "parallax"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()


def require_db(db: Path) -> None:
    """Read commands never create a store: a missing file is a one-line error."""
    if "://" not in str(db) and not db.is_file():
        fail(f"{db}: no such database (create one with `parallax ingest PATH --db {db}`)", 2)


def report_problems(problems: Any, quiet: bool) -> None:
    for p in problems:
        tag = "skipped" if p.skipped else "warning"
        err.print(
            f"[yellow]{tag}:[/] {safe_text(p.source)}: {safe_text(p.reason)}",
            highlight=False,
            soft_wrap=True,
        )


def load_config(path: Path | None) -> Any:
    """Settings from defaults plus the --config TOML; a bad file is a one-line error."""
    from parallax.settings import SettingsError, load_settings

    try:
        return load_settings(path)
    except SettingsError as exc:
        fail(str(exc), 2)


def check_paths(paths: list[Path]) -> None:
    """Fail only when no input exists; a missing one among others is reported by ingest and
    skipped, so the rest is still processed."""
    if paths and not any(p.exists() or p.is_symlink() for p in paths):
        fail(f"{paths[0]}: no such file or folder", 2)


OutletOpt = Annotated[
    list[str] | None,
    typer.Option("--outlet", help="Only articles (or stories) from this outlet; repeatable."),
]


def outlet_match(outlet: str, wanted: list[str] | None) -> bool:
    return not wanted or outlet.casefold() in {w.casefold() for w in wanted}


def check_outputs(outputs: list[Path]) -> None:
    from parallax.render.report import FORMATS

    for output in outputs:
        if output.suffix.lower() not in FORMATS:
            fail(f"{output}: unknown report format '{output.suffix}' (use .html, .md or .json)", 2)
        if not output.parent.exists():
            fail(f"{output}: folder {output.parent} does not exist", 2)


def no_articles_message(paths: list[Path], problems: Any) -> str:
    if problems:
        return "no usable articles in the input (every file was skipped; reasons above)"
    where = ", ".join(str(p) for p in paths)
    return f"no articles found in {where} (looked for .txt, .html, .jsonl and .json files)"


@app.command()
def analyze(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders of articles (.txt, .html, .jsonl, .json)."),
    ],
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output", "-o", help="Report file: .html, .md or .json; repeat for several."
        ),
    ] = None,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", help="Also write each table as CSV into this folder.")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Also keep articles and annotations in this store.")
    ] = None,
    sidecar: Annotated[
        Path | None, typer.Option(help="sources.csv giving outlet/date/url per file.")
    ] = None,
    ratings: Annotated[
        Path | None, typer.Option(help="CSV outlet,lean with political lean ratings.")
    ] = None,
    outlet: OutletOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Analyse a set of articles end to end and write one or more reports from one run."""
    from parallax.render.report import write_csv, write_report
    from parallax.runner import Pipeline
    from parallax.store import Store, StoreError

    if quiet:
        silence_third_party()
    outputs = output or [Path("report.html")]
    check_paths(paths)
    check_outputs(outputs)
    settings = load_config(config)
    store = None
    if db is not None:
        try:
            store = Store(db)
        except StoreError as exc:
            fail(str(exc))
    pipeline = Pipeline(settings, store, progress_factory(quiet))
    ingested = pipeline.ingest(paths, sidecar=sidecar, ratings=ratings)
    report_problems(ingested.problems, quiet)
    articles = [a for a in ingested.articles if outlet_match(a.outlet, outlet)]
    if not ingested.articles:
        fail(no_articles_message(paths, ingested.problems))
    if not articles:
        fail(f"no article from outlet {', '.join(outlet or [])} in the input")
    analysis = pipeline.run(articles, ingested.problems)
    why = pipeline.why_grouped(analysis)
    with pipeline.progress("report", len(outputs) + bool(csv_dir)) as tick:
        for path in outputs:
            write_report(analysis, path, why)
            tick(1)
        if csv_dir is not None:
            write_csv(analysis, csv_dir)
            tick(1)
    if not quiet:
        summary(analysis)
        written = [str(p) for p in outputs] + ([f"{csv_dir}/*.csv"] if csv_dir else [])
        out.print("wrote " + ", ".join(safe_text(w) for w in written), highlight=False)


def summary(analysis: Any) -> None:
    table = Table(title=f"{len(analysis.articles)} articles", show_lines=False)
    for col in ("outlet", "title", "byline", "date", "words"):
        table.add_column(col)
    for art in analysis.articles:
        table.add_row(
            safe_text(art.outlet),
            safe_text(art.title[:60]),
            safe_text(art.byline or "—"),
            str(art.published or "unknown"),
            str(art.words),
        )
    out.print(table)
    if analysis.conflicts:
        out.print(
            f"{len(analysis.conflicts)} contradictions, {len(analysis.facts)} facts, "
            f"{len(analysis.omissions)} omissions"
        )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    db: DbOpt = Path("parallax.db"),
    sidecar: Annotated[
        Path | None, typer.Option(help="sources.csv giving outlet/date/url per file.")
    ] = None,
    ratings: Annotated[Path | None, typer.Option(help="CSV outlet,lean ratings.")] = None,
    annotate: Annotated[bool, typer.Option(help="Annotate and assign to stories too.")] = True,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Add articles to the store; annotate them and assign each to a story incrementally."""
    from parallax.ingest.core import ingest_paths
    from parallax.store import Store, StoreError

    if quiet:
        silence_third_party()
    check_paths(paths)
    progress = progress_factory(quiet)
    with progress("ingest", 0) as tick:
        result = ingest_paths(paths, sidecar=sidecar, ratings=ratings, progress=tick)
    report_problems(result.problems, quiet)
    try:
        store = Store(db)
    except StoreError as exc:
        fail(str(exc))
    new, known = store.upsert_articles(result.articles)
    if not quiet:
        out.print(
            f"{new} new, {known} already stored, {len(result.problems)} problem(s); store has "
            f"{store.count_articles()} articles"
        )
    if not result.articles:
        fail(no_articles_message(paths, result.problems))
    if annotate:
        from parallax.runner import Pipeline  # lazy: `parallax --help` loads no stage

        pipeline = Pipeline(load_config(config), store, progress)
        # annotate + assign + store the analysis of each storyline that changed
        assignments = pipeline.ingest_into_store(result.articles)
        if not quiet:
            events = {event for event, _storyline in assignments}
            out.print(f"assigned {len(assignments)} article(s) to {len(events)} event(s)")


@app.command("annotate")
def annotate_cmd(
    db: DbOpt = Path("parallax.db"),
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Ingest these first (optional).")
    ] = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Annotate stored articles (sentences, entities, quotes, dates, numbers, embeddings)."""
    from parallax.store import Store, StoreError

    if quiet:
        silence_third_party()
    try:
        store = Store(db)
    except StoreError as exc:
        fail(str(exc))
    if paths:
        from parallax.ingest.core import ingest_paths

        check_paths(paths)
        result = ingest_paths(paths)
        report_problems(result.problems, quiet)
        store.upsert_articles(result.articles)
    articles = store.articles()
    if not articles:
        fail(f"{db}: the store has no articles; run `parallax ingest PATH --db {db}` first")
    from parallax.runner import Pipeline

    annotated = Pipeline(load_config(config), store, progress_factory(quiet)).annotate(articles)
    if not quiet:
        table = Table(title=f"annotated {len(annotated)} articles")
        for col in ("outlet", "sentences", "entities", "quotes", "dates", "numbers"):
            table.add_column(col)
        for ann in annotated:
            table.add_row(
                safe_text(ann.article.outlet),
                str(len(ann.sentences)),
                str(len({m.canonical for m in ann.mentions})),
                str(len(ann.quotes)),
                str(len(ann.times)),
                str(len(ann.quantities)),
            )
        out.print(table)


@stories_app.command("list")
def stories_list(db: DbOpt = Path("parallax.db"), outlet: OutletOpt = None) -> None:
    """List storylines and their events."""
    from parallax.store import Store, StoreError

    require_db(db)
    try:
        store = Store(db)
    except StoreError as exc:
        fail(str(exc))
    stories = [s for s in store.stories() if any(outlet_match(o, outlet) for o in s.outlets)]
    if not stories:
        if outlet:
            out.print(f"no stories with an article from {', '.join(outlet)}", markup=False)
        else:
            out.print("no stories yet: run `parallax ingest PATH` first", markup=False)
        return
    table = Table()
    for col in ("id", "level", "label", "articles", "outlets", "dates"):
        table.add_column(col)
    lines = sorted(
        stories, key=lambda s: (s.parent_id or s.id, s.level != "storyline", str(s.date_start))
    )
    for s in lines:
        table.add_row(
            s.id,
            s.level,
            ("  " if s.level == "event" else "") + safe_text(s.label),
            str(len(s.article_ids)),
            safe_text(", ".join(s.outlets)),
            f"{s.date_start or '?'} – {s.date_end or '?'}",
        )
    out.print(table)


@stories_app.command("show")
def stories_show(
    story_id: str,
    db: DbOpt = Path("parallax.db"),
    why: Annotated[
        bool, typer.Option("--why", help="Why these articles were grouped (shared signals).")
    ] = False,
    outlet: OutletOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show one story: its events and articles (and, with --why, what they share)."""
    from parallax.runner import Pipeline
    from parallax.store import Store, StoreError

    require_db(db)
    try:
        store = Store(db)
    except StoreError as exc:
        fail(str(exc))
    story = store.story(story_id)
    if story is None:
        fail(f"no story with id {story_id!r} in {db}")
    assert story is not None
    dates = f"{story.date_start or '?'} – {story.date_end or '?'}"
    out.print(f"[bold]{safe_text(story.label)}[/] ({story.level}, {dates})", highlight=False)
    for s in store.stories("event"):
        if s.parent_id == story.id:
            out.print(f"  event {s.id}: {safe_text(s.label)} ({len(s.article_ids)} articles)")
    articles = [
        a for a in store.articles(list(story.article_ids)) if outlet_match(a.outlet, outlet)
    ]
    for art in articles:
        out.print(
            f"  - {safe_text(art.outlet)}: {safe_text(art.title)} "
            f"\\[{art.published or 'date unknown'}] {art.id}",
            highlight=False,
        )
    if why:
        from parallax.brief.why import why_grouped

        pipeline = Pipeline(load_config(config), store)
        annotated = pipeline.annotate(store.articles(list(story.article_ids)))
        vectors = dict(
            zip((a.id for a in annotated), pipeline.article_vectors(annotated), strict=True)
        )
        reason = why_grouped(story, annotated, vectors)
        out.print("why grouped: " + safe_text(reason.sentence()), highlight=False)


@app.command("eval")
def eval_cmd(
    task: Annotated[
        str, typer.Argument(help="quotes, loaded_language, events, stream, claims, brief, or all")
    ],
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder with the public data sets.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N items (fast subset).")
    ] = None,
    results: Annotated[Path, typer.Option(help="Where to write results JSON.")] = Path(
        "eval/results"
    ),
) -> None:
    """Score a stage against public labelled data and print ours next to the paper's number."""
    import importlib
    import time

    from parallax.evaluation import TASKS, default_data_dir, write_results

    tasks = list(TASKS) if task == "all" else [task]
    for t in tasks:
        if t not in TASKS:
            fail(f"unknown eval task {t!r} (choose from {', '.join(TASKS)}, all)", 2)
    data_dir = data or default_data_dir()
    if not data_dir.is_dir():
        fail(f"{data_dir}: data folder not found (pass --data)", 2)
    for t in tasks:
        try:
            module = importlib.import_module(f"parallax.evaluation.{t}")
        except ModuleNotFoundError as exc:
            if (exc.name or "").startswith("parallax"):
                raise  # our own module missing is a bug, not an optional extra
            err.print(
                f"[yellow]{t}: needs the [eval] extra ({safe_text(exc.name or '?')} is missing: "
                "pip install 'parallax-news\\[eval]')[/]"
            )
            continue
        start = time.perf_counter()
        try:
            res = module.run(data_dir, limit=limit)
        except FileNotFoundError as exc:
            err.print(f"[red]{t}: data missing: {exc}[/]")
            continue
        table = Table(title=f"{t} ({time.perf_counter() - start:.1f}s)")
        for col in ("metric", "ours", "reference", "source", "split", "items", "seconds"):
            table.add_column(col)
        for r in res:
            ref = "—" if r.reference is None else f"{r.reference:.3f}"
            table.add_row(
                r.metric,
                f"{r.ours:.3f}",
                ref,
                r.reference_source,
                r.split,
                str(r.items),
                f"{r.seconds:.1f}",
            )
        out.print(table)
        path = write_results(res, results)
        out.print(f"wrote {path}")


@app.command()
def serve(
    db: DbOpt = Path("parallax.db"),
    data_dir: Annotated[
        Path,
        typer.Option("--data-dir", help="The only folder the app reads uploads and files from."),
    ] = Path("parallax-data"),
    host: Annotated[
        str, typer.Option(help="Interface to bind (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    allow_fetch: Annotated[
        bool,
        typer.Option(
            "--allow-fetch", help="Let the app download URLs users submit (off by default)."
        ),
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Run the web app: stories, story reports, articles, search, upload, JSON API (/docs)."""
    from parallax.apps.web import serve as run_server

    require_db(db)
    settings = load_config(config)  # the same settings as `ingest`, or stored analyses go stale
    data_dir.mkdir(parents=True, exist_ok=True)
    out.print(f"Parallax on http://{host}:{port}  (store {db}, data {data_dir.resolve()})")
    run_server(db=db, data_dir=data_dir, host=host, port=port, allow_fetch=allow_fetch,
               settings=settings)  # fmt: skip


spark_app = typer.Typer(
    help="Run the pipeline on Apache Spark over WARC, JSONL or Parquet input.", no_args_is_help=True
)
app.add_typer(spark_app, name="spark")


@spark_app.command("run")
def spark_run(
    inputs: Annotated[
        list[str], typer.Argument(help="WARC (.warc/.warc.gz), JSONL or Parquet files or folders.")
    ],
    out_dir: Annotated[str, typer.Option("--out", help="Output folder for Parquet tables.")],
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[2]",
    window_days: Annotated[
        int,
        typer.Option(help="Blocking window in days (clustering uses the run's ClusterParams)."),
    ] = 7,
    load_db: Annotated[
        Path | None, typer.Option("--load-db", help="Load the results into this SQLite store.")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Ingest, annotate, cluster and compare at scale; results as Parquet partitioned by date."""
    from parallax.spark.job import run_job

    settings = load_config(config)
    stats = run_job(inputs, out_dir, master=master, window_days=window_days, settings=settings)
    table = Table(title=f"spark run → {out_dir}")
    table.add_column("what")
    table.add_column("value")
    for key, value in stats.items():
        table.add_row(str(key), str(value))
    out.print(table)
    if load_db is not None:
        from parallax.spark.job import load_into_store

        load_into_store(out_dir, load_db)
        out.print(f"loaded into {load_db}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
