"""Benchmark: claimtag predict end to end against fastText, side by side in one run.

    .venv/bin/pip install -e '.[bench]'      # fasttext-wheel
    .venv/bin/python scripts/bench_predict.py [--mb 200] [--runs 5] [--memory-gb 1]

Builds a corpus of at least --mb MB of text files from the FA-KES articles (repeated; a directory of
1 MB files, as an archive of wires would be), then times, each --runs times, interleaved:

- claimtag: `claimtag predict CORPUS --output out.jsonl` (raw text in, JSONL rows out), with
  --jobs 1 and --jobs 2, each twice:
  - "tags+scores": `--fields` limited to what fastText gives (the sentence's offsets and text, its
    tags and every tag's score): the same job as fastText's, plus segmenting;
  - "all fields": the default rows, which also carry casualty figures (killed, injured, qualifier)
    and who said it (source), rule work that fastText does not do;
- fastText (fasttext-wheel), trained on the same labeled data (one-vs-all, word bigrams), in one
  process, predicting every tag's probability for the same sentences, already split (claimtag's
  segmenter, one per line; the split is not timed). Timed twice: the predict call alone, and end to
  end (read the sentence file, predict, write JSONL rows with the probabilities);
- for reference, what this machine gives two processes that share nothing: two `claimtag --jobs 1`
  (tags+scores) at once, each on half of the corpus's files. Both cores busy run slower than one
  (caches and memory shared, the host's other guests), so this, not 2.0, is about as much as
  --jobs 2 can give: "-j2 / -j1" is printed beside "two halves at once / -j1". (--jobs 2 can do a
  little better: its worker is forked ready to tag, with no interpreter to start.)

Where a parallel run loses against twice -j1 is printed too, from each run's CPU time (user and
system, of every process of the run): -j2 / -j1 = (cores busy, CPU time / wall time, against
-j1's) / (CPU time against -j1's). The first falls short of 2 by what the code leaves serial or
idle (start-up, waiting for work, the last batch); the second exceeds 1 by extra work the code
does (little: valgrind counts 1.2% more instructions for -j2 than -j1 on 4 MB, start-up included)
and by how much slower each instruction runs while both cores are busy, which is the machine's.

Prints sentences per second (median of the runs), peak memory (maximum resident set of each process
tree: proportional set sizes, sampled) and the ratios. Memory is sampled in a separate round, not
timed: reading it costs CPU, which --jobs 2 would pay and --jobs 1, with a core to spare, would
not. Then, with --memory-gb, claimtag's peak memory (all fields, --jobs 1 and 2) on a corpus of that
size, to show it does not grow with the input. Not a test: CI does not run it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FAKES = ROOT.parent / "shared" / "corpora" / "fa-kes" / "fa-kes.csv"
CLAIMTAG = [str(ROOT / ".venv" / "bin" / "claimtag"), "-q"]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
FILE_BYTES = 1 << 20
SAME_AS_FASTTEXT = "document,sentence,start,end,text,tags,scores"
HALVES = "two claimtag -j1 at once, on halves"
CLAIMTAG_RUNS = {
    "claimtag -j1 tags+scores": ["--jobs", "1", "--fields", SAME_AS_FASTTEXT],
    "claimtag -j2 tags+scores": ["--jobs", "2", "--fields", SAME_AS_FASTTEXT],
    "claimtag -j1 all fields": ["--jobs", "1"],
    "claimtag -j2 all fields": ["--jobs", "2"],
}

FASTTEXT_PREDICT = r'''
import json, json.encoder, sys, time
import fasttext
model = fasttext.load_model(sys.argv[1])
keys = [(tag, "__label__" + tag) for tag in sys.argv[4].split(",")]
# One JSON encoder for every row, as claimtag writes its rows: json.dumps would build one per row.
encode = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
started = time.perf_counter()
with open(sys.argv[2], encoding="utf-8") as handle:
    sentences = handle.read().split("\n")[:-1]
predict_time = 0.0
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for i in range(0, len(sentences), 100_000):
        chunk = sentences[i:i + 100_000]
        t = time.perf_counter()
        labels, probabilities = model.predict(chunk, k=-1, threshold=0.0)
        predict_time += time.perf_counter() - t
        lines = []
        for sentence, names, values in zip(chunk, labels, probabilities):
            scores = dict(zip(names, values.tolist()))
            lines.append("".join(encode({"text": sentence, "scores": {t: scores.get(key, 0.0) for t, key in keys}}, 0)))
        out.write("\n".join(lines) + "\n")
print(json.dumps({"sentences": len(sentences), "predict": predict_time, "total": time.perf_counter() - started}))
'''


def build_corpus(folder: Path, megabytes: int) -> int:
    articles = pd.read_csv(FAKES, encoding="latin-1")
    text = "".join(f"{title}\n\n{body}\n\n" for title, body in zip(articles.article_title, articles.article_content))
    folder.mkdir(parents=True)
    written = number = 0
    while written < megabytes * (1 << 20):
        start = (number * 7919) % len(text)  # each file starts elsewhere, at a line start
        start = text.index("\n", start) + 1 if "\n" in text[start:] else 0
        chunk = (text[start:] + text)[:FILE_BYTES]
        chunk = chunk[: chunk.rindex("\n") + 1]
        (folder / f"wire-{number:05d}.txt").write_text(chunk, encoding="utf-8")
        written += len(chunk.encode("utf-8"))
        number += 1
    return written


def fresh(output: Path) -> None:
    """Each run writes a new file: on ext4, one that replaces or empties a file is written out to
    disk when it is closed (auto_da_alloc), which would time the disk as well."""
    output.unlink(missing_ok=True)


def timed(*commands: list[str], memory: bool = False) -> tuple[float, float, int, str]:
    """Wall time of commands run at once (until the last ends), their CPU time (with their
    children's, as forked workers are), the peak resident memory in MB of the first if
    ``memory``, else 0, and the first's stdout.

    The memory is the largest sum over the process and its children of their proportional set size
    (PSS: private pages, plus shared ones divided among the processes sharing them), sampled every
    250 ms (reading them costs CPU: more often would slow the run measured): with --jobs 2 the
    workers count too, and the libraries they share are counted once.
    """
    import psutil

    with contextlib.ExitStack() as stack:
        outs = [(stack.enter_context(tempfile.TemporaryFile("w+")), stack.enter_context(tempfile.TemporaryFile("w+")))
                for _ in commands]
        started, cpu_before = time.perf_counter(), _children_cpu()
        processes = [subprocess.Popen(command, stdout=out, stderr=err, text=True)
                     for command, (out, err) in zip(commands, outs)]
        peak = 0
        if memory:
            tree = psutil.Process(processes[0].pid)
            while processes[0].poll() is None:
                try:
                    members = [tree, *tree.children(recursive=True)]
                    peak = max(peak, sum(member.memory_full_info().pss for member in members))
                except psutil.Error:
                    pass  # a member ended while being read
                with contextlib.suppress(subprocess.TimeoutExpired):
                    processes[0].wait(0.25)  # returns as soon as it ends, so the time is not rounded up
        for process in processes:
            process.wait()
        elapsed, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
        for command, process, (out, err) in zip(commands, processes, outs):
            if process.returncode:
                err.seek(0)
                raise SystemExit(f"{command[0]} failed ({process.returncode}): {err.read()}")
        outs[0][0].seek(0)
        return elapsed, cpu, peak >> 20, outs[0][0].read()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-gb", type=float, default=1.0, help="0 to skip the memory run")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from classifier.readers import iter_documents
    from classifier.segment import iter_sentences
    from classifier.tags import TAGS, parse_tags

    work = Path(tempfile.mkdtemp(prefix="claimtag-bench-"))
    try:
        corpus = work / "corpus"
        size = build_corpus(corpus, args.mb)
        sentences_file = work / "sentences.txt"
        with open(sentences_file, "w", encoding="utf-8") as out:
            n_sentences = 0
            for document in iter_documents([str(corpus)]):
                for sentence in iter_sentences(document.text):
                    out.write(sentence.text + "\n")
                    n_sentences += 1
        print(f"corpus: {size / (1 << 20):.0f} MB in {len(list(corpus.iterdir()))} files, {n_sentences:,} sentences")

        import fasttext

        train_file = work / "train.txt"
        with open(train_file, "w", encoding="utf-8") as out:
            for path in (ROOT / "data/labeled/seed.csv", ROOT / "data/labeled/fa-kes.csv"):
                frame = pd.read_csv(path, keep_default_na=False, dtype=str)
                for text, labels in zip(frame.text, frame.labels):
                    names = " ".join(f"__label__{t}" for t in sorted(parse_tags(labels))) or "__label__other"
                    out.write(f"{names} {' '.join(text.split())}\n")
        model_file = work / "fasttext.bin"
        fasttext.train_supervised(str(train_file), wordNgrams=2, loss="ova", epoch=25, verbose=0).save_model(str(model_file))
        script = work / "fasttext_predict.py"
        script.write_text(FASTTEXT_PREDICT)

        halves = [work / "half-a", work / "half-b"]
        for index, half in enumerate(halves):  # every other file, linked: the same bytes in all
            half.mkdir()
            for path in sorted(corpus.iterdir())[index::2]:
                os.link(path, half / path.name)

        # Each run gives {name: (sentences per second, peak MB or None, (CPU s, wall s))}.
        def run_claimtag(name: str, memory: bool) -> dict:
            fresh(work / "out.jsonl")
            command = [*CLAIMTAG, "predict", str(corpus), *CLAIMTAG_RUNS[name], "-o", str(work / "out.jsonl")]
            elapsed, cpu, peak, _ = timed(command, memory=memory)
            return {name: (n_sentences / elapsed, peak, (cpu, elapsed))}

        def run_halves(name: str, memory: bool) -> dict:
            outputs = [work / f"{half.name}.jsonl" for half in halves]
            for output in outputs:
                fresh(output)
            elapsed, cpu, _, _ = timed(*([*CLAIMTAG, "predict", str(half), *CLAIMTAG_RUNS["claimtag -j1 tags+scores"],
                                        "-o", str(output)] for half, output in zip(halves, outputs)))
            return {name: (n_sentences / elapsed, None, (cpu, elapsed))}

        def run_fasttext(_: str, memory: bool) -> dict:
            fresh(work / "ft.jsonl")
            elapsed, _, peak, out = timed([PYTHON, str(script), str(model_file), str(sentences_file),
                                           str(work / "ft.jsonl"), ",".join(TAGS)], memory=memory)
            report = json.loads(out)
            return {"fastText end to end": (report["sentences"] / elapsed, peak, None),
                    "fastText predict call": (report["sentences"] / report["predict"], None, None)}

        # Each ratio is of two runs made one after the other, and every other round goes in reverse
        # order, so that a machine growing faster or slower during the benchmark does not favour a side.
        # The reference run sits next to the -j1 run it is compared with, as -j2 does.
        order = [(run_fasttext, "fastText"), (run_halves, HALVES), *((run_claimtag, name) for name in CLAIMTAG_RUNS)]
        ratios = {
            "claimtag -j1 tags+scores / fastText predict call": ("claimtag -j1 tags+scores", "fastText predict call"),
            "claimtag -j1 tags+scores / fastText end to end": ("claimtag -j1 tags+scores", "fastText end to end"),
            "claimtag -j2 tags+scores / claimtag -j1 tags+scores": ("claimtag -j2 tags+scores", "claimtag -j1 tags+scores"),
            "  reference: two -j1 at once, on halves / -j1": (HALVES, "claimtag -j1 tags+scores"),
            "claimtag -j1 all fields / fastText end to end": ("claimtag -j1 all fields", "fastText end to end"),
            "claimtag -j2 all fields / claimtag -j1 all fields": ("claimtag -j2 all fields", "claimtag -j1 all fields"),
        }
        names = [*CLAIMTAG_RUNS, HALVES, "fastText end to end", "fastText predict call"]
        results: dict[str, list] = {name: [] for name in names}
        times: dict[str, list] = {name: [] for name in names}  # (CPU s, wall s) of each run
        for run in range(args.runs):
            for measure, name in order if run % 2 == 0 else reversed(order):
                for key, (rate, _, cpu_and_wall) in measure(name, memory=False).items():
                    results[key].append(rate)
                    times[key].append(cpu_and_wall)
            print(f"run {run + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in results.items()), flush=True)
        memory: dict[str, int] = {}
        for measure, name in order:
            if measure is not run_halves:
                memory.update({key: peak for key, (_, peak, _) in measure(name, memory=True).items() if peak is not None})

        median = {name: statistics.median(values) for name, values in results.items()}
        print(f"\nmedian of {args.runs} runs, {n_sentences:,} sentences, 2 cores; peak memory from a round of its own")
        print(f"{'':34}{'sentences/s':>14}{'peak MB':>10}")
        for name, value in median.items():
            print(f"{name:34}{value:>14,.0f}{memory.get(name, ''):>10}")
        print("\nratios, each of two runs side by side: median (every run)")
        print("tags+scores is the same job as fastText's; all fields adds casualty figures and source")
        for label, (a, b) in ratios.items():
            each = [x / y for x, y in zip(results[a], results[b])]
            print(f"  {label:52} {statistics.median(each):.2f}x  ({', '.join(f'{r:.2f}' for r in each)})")

        print("\nwhere two processes lose, tags+scores: -j2 / -j1 = cores busy / CPU time, each against -j1's")
        one = times["claimtag -j1 tags+scores"]
        for name in ("claimtag -j2 tags+scores", HALVES):
            busy = [(cpu / wall) / (cpu1 / wall1) for (cpu, wall), (cpu1, wall1) in zip(times[name], one)]
            cpu = [cpu / cpu1 for (cpu, _), (cpu1, _) in zip(times[name], one)]
            print(f"  {name:36} cores busy {statistics.median(busy):.2f}x ({', '.join(f'{r:.2f}' for r in busy)})")
            print(f"  {'':36} CPU time   {statistics.median(cpu):.2f}x ({', '.join(f'{r:.2f}' for r in cpu)})")

        if args.memory_gb:
            for folder in (corpus, *halves):
                shutil.rmtree(folder)
            big = work / "big"
            size = build_corpus(big, int(args.memory_gb * 1024))
            print()
            for jobs in ("1", "2"):
                elapsed, _, peak, _ = timed([*CLAIMTAG, "predict", str(big), "--jobs", jobs, "-o", str(work / "big.jsonl")], memory=True)
                print(f"claimtag -j{jobs} all fields on {size / (1 << 30):.2f} GB: peak {peak} MB, {elapsed:.0f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
