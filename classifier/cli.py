"""The ``claimtag`` command line: each command parses its options and calls the library.

Library modules are imported inside the commands so that ``claimtag --help`` stays fast.
Data goes to stdout; messages, progress and reports to stderr.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from . import __version__
from .tags import TAGS as TAG_NAMES
from .writers import FORMATS

DEFAULT_TOP = 5  # n-grams per tag and direction that `explain` and `predict --explain` list

log = logging.getLogger("claimtag")


class _StderrHandler(logging.Handler):
    """Log records as ``claimtag: warning: ...`` lines on whatever stderr is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        click.echo(f"claimtag: {level}{record.getMessage()}", err=True)


def _configure_logging(quiet: bool) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
        log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.INFO)


# Options shared by several commands, defined once.
model_option = click.option(
    "--model", "-m", "model_path", type=click.Path(dir_okay=False),
    help="Model artifact to use [default: the bundled model, or $CLAIMTAG_MODEL].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
trust_option = click.option(
    "--trust", is_flag=True,
    help="Load a joblib model even if its .sha256 digest is missing or does not match. Loading a "
    "pickle runs code: only for files you trust.",
)
force_option = click.option("--force", is_flag=True, help="Replace the output model file if it exists.")
artifact_format_option = click.option(
    "--format", "artifact_format", type=click.Choice(["joblib", "skops"]),
    help="Model file format [default: skops for a .skops name, else joblib]. skops files load "
    "without running code.",
)


def _field_list(ctx, param, value):
    if value is None:
        return None
    from .annotate import FIELDS

    wanted = {f.strip() for f in value.split(",") if f.strip()}
    unknown = sorted(wanted - set(FIELDS))
    if unknown or not wanted:
        raise click.BadParameter(f"{', '.join(unknown) or value!r} (choose from {', '.join(FIELDS)})")
    return tuple(f for f in FIELDS if f in wanted)


def _regex(ctx, param, value):
    import re

    try:
        return value and re.compile(value).pattern
    except re.error as error:
        raise click.BadParameter(f"{value!r} is not a regular expression ({error})") from None


def _tag_list(ctx, param, value):
    if value is None:
        return None
    from .tags import TAGS

    tags = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in tags if t not in TAGS]
    if unknown or not tags:
        raise click.BadParameter(f"{', '.join(unknown) or value!r} (choose from {', '.join(TAGS)})")
    return tags


def _options(*decorators):
    """Several options as one decorator, applied in the order listed (as they show in --help)."""

    def apply(command):
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


column_options = _options(
    click.option("--text-col", default="text", show_default=True, help="Column with the sentence."),
    click.option("--labels-col", default="labels", show_default=True,
                 help="Column with the tags, joined by '|' (empty for other)."),
)

# How a model is trained and cross-validated: shared by train and evaluate --cv.
recipe_options = _options(
    click.option("--seed", default=0, show_default=True, help="Random seed; the same seed gives the same model."),
    click.option("--tags", callback=_tag_list,
                 help="Comma-separated tags to learn [default: all in the data]."),
    click.option("--folds", default=5, show_default=True, type=click.IntRange(2), help="Cross-validation folds."),
    column_options,
    click.option("--group-col", default="article", show_default=True,
                 help="Column naming the article; cross-validation holds out whole articles."),
)

table_input_options = _options(
    click.option("--text-col", default="text", show_default=True, help="Text column of table inputs (CSV, JSONL, Parquet)."),
    click.option("--id-col", help="Id column of table inputs, carried into the output [default: row number]."),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="claimtag")
@click.option("--quiet", "-q", is_flag=True, help="Only warnings and errors on stderr.")
def main(quiet: bool) -> None:
    """Tag statements in conflict news: accusation, denial, casualty_report, demand.

    \b
    Example:
        claimtag train data/labeled/seed.csv --out my.joblib
        claimtag predict --model my.joblib data/articles/ > tags.jsonl
        echo "Rebels accused the army of shelling the town." | claimtag predict --sentences
    """
    _configure_logging(quiet)


@main.command()
@click.argument("data", nargs=-1, required=True)
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="Where to save the model.")
@force_option
@artifact_format_option
@recipe_options
def train(data, out, force, artifact_format, seed, tags, folds, text_col, labels_col, group_col):
    """Train a model on labeled sentences and save it.

    DATA are CSV or JSONL files with a text and a labels column. Grouped cross-validation
    figures (whole articles held out) are printed on stderr before the model is saved.

    \b
    Example:
        claimtag train data/labeled/seed.csv --out my.joblib
        claimtag train data/labeled/*.csv --out shareable.skops
    """
    from .artifact import refuse_overwrite, save
    from .evaluate import format_report
    from .training import train as train_model

    refuse_overwrite(out, force)
    model = train_model(
        data, tags=tags, seed=seed, folds=folds,
        text_col=text_col, labels_col=labels_col, group_col=group_col,
    )
    click.echo(format_report(model.metadata["cv"]), err=True)
    save(model, out, force=force, fmt=artifact_format)
    log.info("saved the model to %s", out)


@main.command()
@click.argument("inputs", nargs=-1)
@model_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=FORMATS[0],
              show_default=True, help="Output format: table is for reading, html a highlighted document view, "
              "parquet typed columns (needs --output).")
@click.option("--output", "-o", default="-", show_default=True, help="Output file; '-' is stdout.")
@click.option("--sentences", is_flag=True, help="Each input line is one sentence (no segmentation).")
@click.option("--resume", is_flag=True,
              help="Go on with an --output run that was killed or interrupted, skipping finished sources.")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1),
              help="Processes to tag with; the output is the same whatever the number.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: run on a Dask cluster, writing one part per input partition into the --output directory.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://10.0.0.5:8786 [default: start a local cluster of --jobs workers].")
@table_input_options
@click.option("--fields", callback=_field_list, metavar="A,B,...",
              help="Only these row fields (jsonl, csv, parquet); work for the others (casualty figures, "
              "attribution) is skipped [default: all].")
@click.option("--explain", "explain_top", type=click.IntRange(0), default=0, is_flag=False, flag_value=DEFAULT_TOP,
              help=f"Add to each row the n-grams that pushed each tag up and down [top {DEFAULT_TOP}; --explain=N for N].")
@trust_option
def predict(inputs, model_path, fmt, output, sentences, resume, jobs, engine, scheduler, text_col, id_col,
            fields, explain_top, trust):
    """Tag every sentence of text files, directories, globs, tables or stdin ('-', the default).

    Tables (CSV, JSONL, Parquet) give one document per row (--text-col, --id-col). One output row
    per sentence: document, id, sentence (index in the document), start, end, text, tags, scores,
    killed, injured, qualifier (casualty figures) and source (who said it). An --output file
    appears only once complete; an earlier one stays until then.

    \b
    Example:
        claimtag predict data/articles/ --format csv --output tags.csv
        echo "Rebels accused the army of shelling the town." | claimtag predict --sentences
        claimtag predict archive.parquet --text-col body --id-col url --format parquet -o tags.parquet
        claimtag predict 'wires/**/*.txt' --engine dask --scheduler tcp://head:8786 --format parquet -o tags/
    """
    from functools import partial

    from .annotate import tag_in_parallel
    from .artifact import load
    from .errors import Interrupted
    from .progress import Progress
    from .readers import expected_chars, iter_documents
    from .writers import TEXT_FORMATS, Output, rendered

    inputs = inputs or ("-",)
    if fields and fmt in ("table", "html"):
        raise click.UsageError(f"--fields does not apply to --format {fmt}, which shows fields of its own")
    if "-" in inputs and sys.stdin.isatty():
        log.info("reading text from standard input (end it with Ctrl-D)")
    model = load(model_path, trust=trust)
    if engine == "dask" or scheduler:
        from .distributed import tag_on_dask

        if output == "-":
            raise click.UsageError("--engine dask needs --output DIRECTORY for its parts")
        count = tag_on_dask(model, inputs, output, fmt, scheduler, jobs, text_col, id_col, sentences,
                            explain_top, **({"fields": fields} if fields else {}))
        log.info("tagged %d sentence%s into %s", count, "" if count == 1 else "s", output)
        return
    try:
        with Output(output, fmt, resume=resume, tags=model.tags) as out:
            if out.done:
                log.info("resuming: %d documents were done already", len(out.done))
            documents = iter_documents(inputs, skip=out.done, text_col=text_col, id_col=id_col)
            results = tag_in_parallel(
                model, documents, sentences, jobs, render=partial(rendered, fmt=fmt, tags=model.tags),
                explain=explain_top, expected_chars=expected_chars(inputs) if jobs > 1 else None,
                **({"fields": fields} if fields else {}),
            )
            progress = Progress(enabled=False if log.level > logging.INFO else None)
            for document, chunk in results:
                out.write_rendered(document, chunk)
                progress.update(chunk[1])
            progress.close()
    except KeyboardInterrupt:
        resumable = output != "-" and fmt in TEXT_FORMATS
        raise Interrupted("interrupted" + ("; to go on from where it stopped, add --resume" if resumable else "")) from None
    log.info("tagged %d sentence%s", out.count, "" if out.count == 1 else "s")


@main.command()
@click.argument("text")
@model_option
@click.option("--top", default=DEFAULT_TOP, show_default=True, type=click.IntRange(1),
              help="N-grams to list each way per tag.")
@json_option
@trust_option
def explain(text, model_path, top, as_json, trust):
    """Say why the model tags TEXT (one sentence; '-' reads it from stdin) as it does: for each
    tag, its score and threshold and the words and word pairs that pushed the score up or down.

    \b
    Example:
        claimtag explain "Rebels accused the army of shelling the town."
    """
    from .artifact import load
    from .explain import explain as explain_texts
    from .explain import format_explanation

    if text == "-":
        text = sys.stdin.read().strip()
    explanation = explain_texts(load(model_path, trust=trust), [text], top)[0]
    if as_json:
        click.echo(json.dumps({"text": text} | {t: e.as_dict() for t, e in explanation.items()}, indent=2, ensure_ascii=False))
    else:
        click.echo(format_explanation(text, explanation))


@main.command()
@click.argument("pool", nargs=-1, required=True)
@model_option
@click.option("-n", "count", default=50, show_default=True, type=click.IntRange(1), help="How many sentences.")
@click.option("--tag", type=click.Choice(TAG_NAMES),
              help="Hunt this tag: its highest scores the model is not yet sure of.")
@click.option("--exclude", multiple=True, type=click.Path(dir_okay=False),
              help="CSV/JSONL with a text column (labeled data, earlier suggestions) whose sentences are skipped (repeatable).")
@click.option("--random-share", default=0.2, show_default=True, type=click.FloatRange(0, 1),
              help="Share of picks drawn at random, to keep the labeled set representative.")
@click.option("--seed", default=0, show_default=True, help="Random seed for the random picks.")
@click.option("--match", callback=_regex,
              help="Only sentences this regular expression finds something in (case-insensitive): to start "
              "on a tag the model has never seen. It only suggests; you decide the label.")
@table_input_options
@click.option("--output", "-o", default="-", show_default=True, help="CSV or JSONL (by suffix); '-' is stdout as CSV.")
@trust_option
def suggest(pool, model_path, count, tag, exclude, random_share, seed, match, text_col, id_col, output, trust):
    """Pick the pool sentences most worth labeling next, for `claimtag label`.

    POOL is text files, directories or tables (CSV, JSONL, Parquet with --text-col/--id-col).
    Writes source, article, start, end, text, context before and after, why it was picked (via),
    the model's guess and score.

    \b
    Example:
        claimtag suggest pool.csv --text-col body --id-col id -n 100 --exclude labeled.csv -o next.csv
        claimtag suggest articles/ --tag denial -n 50 -o denials.csv
    """
    from .artifact import load
    from .data import table_texts
    from .readers import iter_documents
    from .suggest import COLUMNS, pool_sentences
    from .suggest import suggest as pick
    from .writers import write_records

    model = load(model_path, trust=trust)
    labeled = [text for path in exclude for text in table_texts(path)]
    sentences = pool_sentences(iter_documents(pool, text_col=text_col, id_col=id_col))
    rows = pick(model, sentences, count, tag=tag, labeled=labeled, random_share=random_share, seed=seed, match=match)
    write_records(rows, output, COLUMNS)
    log.info("suggested %d of %d pool sentences", len(rows), len(sentences))


@main.command()
@click.argument("data", nargs=-1, required=True)
@model_option
@click.option("--cv", is_flag=True, help="Cross-validate the training recipe on DATA instead of scoring a model.")
@click.option("--learning-curve", "curve_path", type=click.Path(dir_okay=False),
              help="Also print macro F1 as the training set grows, and plot it to this PNG (implies --cv).")
@recipe_options
@json_option
@trust_option
def evaluate(data, model_path, cv, curve_path, seed, tags, folds, text_col, labels_col, group_col, as_json, trust):
    """Score a model on labeled sentences it has not seen, or (--cv) cross-validate the training
    recipe on them, whole articles held out: per-tag precision, recall, F1, support and confusion
    counts, macro and micro F1; with --cv also on the randomly drawn rows alone.

    \b
    Example:
        claimtag evaluate data/labeled/new.csv --model my.joblib --json
        claimtag evaluate data/labeled/seed.csv data/labeled/fa-kes.csv --learning-curve curve.png
    """
    from .data import load_labeled
    from .evaluate import format_report

    labeled = load_labeled(data, text_col, labels_col, group_col)
    if cv or curve_path:
        from .evaluate import cross_validate, format_learning_curve, learning_curve, plot_learning_curve
        from .training import trainable_tags

        tags = trainable_tags(labeled, tags)
        report = cross_validate(labeled, tags, seed, folds)
        if curve_path:
            report["learning_curve"] = learning_curve(labeled, tags, seed, folds)
            plot_learning_curve(report["learning_curve"], curve_path)
            log.info("saved the learning curve plot to %s", curve_path)
    else:
        from .artifact import load
        from .evaluate import evaluate as evaluate_model

        model = load(model_path, trust=trust)
        trained_on = {f["sha256"] for f in model.metadata.get("training_data", {}).get("files", [])}
        for entry in labeled.files:
            if entry["sha256"] in trained_on:
                log.warning("%s: the model was trained on this file; these figures flatter it", entry["path"])
        report = evaluate_model(model, labeled)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(format_report(report))
    if "learning_curve" in report:
        click.echo("\nlearning curve\n" + format_learning_curve(report["learning_curve"]))


@main.command()
@click.argument("path", required=False)
@json_option
@trust_option
def info(path, as_json, trust):
    """Show what a model artifact holds: tags, thresholds, training data, cross-validated
    metrics, versions [default: the bundled model].

    \b
    Example:
        claimtag info my.joblib --json
    """
    from .artifact import describe, format_description

    description = describe(path, trust=trust)
    click.echo(json.dumps(description, indent=2) if as_json else format_description(description))


@main.command()
@click.argument("source")
@click.argument("target")
@force_option
@artifact_format_option
@trust_option
def convert(source, target, force, artifact_format, trust):
    """Save a model in another format, e.g. a joblib model as skops to share it safely.

    \b
    Example:
        claimtag convert my.joblib my.skops
    """
    from .artifact import load, refuse_overwrite, save

    refuse_overwrite(target, force)
    save(load(source, trust=trust), target, force=force, fmt=artifact_format)
    log.info("saved the model to %s", target)


@main.command()
@click.argument("candidates")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False),
              help="Labeled CSV to append answers to; created if new, resumed if not.")
# Not model_option: without --model, label uses the candidates' guess column, not the bundled model.
@click.option("--model", "-m", "model_path", type=click.Path(dir_okay=False),
              help="Model whose tags to pre-select [default: the candidates' guess column].")
@trust_option
def label(candidates, out, model_path, trust):
    """Label CANDIDATES (a CSV or JSONL from `claimtag suggest`) by hand, one sentence at a time.

    \b
    Keys: 1-4 or a d c m toggle accusation, denial, casualty_report, demand;
    Enter or y accepts (no tag ticked = other); s skips; u undoes; q quits; ? helps.

    Every answer is saved to --out at once (columns id, article, start, end, text, labels,
    via); a later run goes on with the sentences not in it yet.

    \b
    Example:
        claimtag label candidates.csv --out data/labeled/mine.csv
        claimtag train data/labeled/seed.csv data/labeled/mine.csv --out my.joblib
    """
    from .labeler import format_summary, run_labeler

    model = None
    if model_path is not None:
        from .artifact import load

        model = load(model_path, trust=trust)
    summary = run_labeler(candidates, out, echo=click.echo, model=model)
    log.info("%s", format_summary(summary))
