"""Segmenter accuracy against the gold split of the seed articles, and its speed.

Accuracy: the gold sentences are the rows of data/labeled/seed.csv (split by hand). Speed: median
of several runs over the FA-KES article texts, side by side with pysbd when it is installed
(`.venv/bin/pip install -e '.[bench]'`), in one run on this machine.

    .venv/bin/python scripts/bench_segment.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from classifier.segment import segment  # noqa: E402

FAKES = ROOT.parent / "shared" / "corpora" / "fa-kes" / "fa-kes.csv"


def accuracy() -> None:
    gold = pandas.read_csv(ROOT / "data" / "labeled" / "seed.csv", dtype={"article": str})
    gold_spans = set(zip(gold.article, gold.start, gold.end))
    found = set()
    for path in sorted((ROOT / "data" / "articles").glob("*.txt")):
        found |= {(path.stem, s.start, s.end) for s in segment(path.read_text(encoding="utf-8"))}
    exact = len(gold_spans & found)
    print(f"gold sentences {len(gold_spans)}, segmenter sentences {len(found)}, identical {exact}")
    print(f"precision {exact / len(found):.3f}  recall {exact / len(gold_spans):.3f}")


def timed(function, texts, runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = sum(len(function(text)) for text in texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def speed(runs: int) -> None:
    texts = pandas.read_csv(FAKES, encoding="latin-1").article_content.dropna().tolist()
    size = sum(map(len, texts)) / 1e6
    print(f"speed on {len(texts)} FA-KES articles ({size:.1f} M characters), median of {runs} runs:")
    seconds, count = timed(segment, texts, runs)
    ours = count / seconds
    print(f"  claimtag  {count} sentences in {seconds:.3f} s = {ours:,.0f} sentences/s")
    try:
        import pysbd
    except ImportError:
        print("  pysbd     not installed; skipped")
        return
    splitter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    seconds, count = timed(splitter.segment, texts, max(1, runs // 2))
    print(f"  pysbd     {count} sentences in {seconds:.3f} s = {count / seconds:,.0f} sentences/s")
    print(f"  ratio claimtag/pysbd: {ours / (count / seconds):.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    accuracy()
    speed(args.runs)
