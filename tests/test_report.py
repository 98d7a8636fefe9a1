"""The HTML document view: every sentence shown once and escaped, the text between sentences kept,
tags as data attributes and colours, counts and legend right, nothing loaded from the network; and,
where Debian's chromium is installed, the page as a browser renders it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from classifier.readers import Document
from classifier.report import COLOURS, HtmlReport
from classifier.tags import TAGS

CHROMIUM = "/usr/bin/chromium"
BROWSER_TIMEOUT = 60


def row(document: Document, index: int, start: int, end: int, tags=(), killed=None, injured=None,
        qualifier=None, source=None, scores=None) -> dict:
    return {
        "document": document.source, "id": document.id, "sentence": index, "start": start, "end": end,
        "text": document.text[start:end], "tags": list(tags),
        "scores": scores or {tag: (0.9 if tag in tags else 0.1) for tag in TAGS},
        "killed": killed, "injured": injured, "qualifier": qualifier, "source": source,
    }


def rows_for(document: Document, sentences: list[tuple[str, tuple[str, ...]]], extra=None) -> list[dict]:
    """Rows for sentences given by their text (found in order in the document) and tags."""
    rows, cursor = [], 0
    for index, (text, tags) in enumerate(sentences):
        start = document.text.index(text, cursor)
        cursor = start + len(text)
        rows.append(row(document, index, start, cursor, tags, **(extra or {}).get(index, {})))
    return rows


FIRST = Document(
    "news/a.txt",
    "Rebels accused the army of shelling Homs.  The ministry denied it & called it \"lies\".\n\n"
    "At least 3 people were killed, the Observatory said.\t* Weather was <b>mild</b>.\n"
    "Residents wrote <script>alert('x')</script> on a wall. ",
)
FIRST_SENTENCES = [
    ("Rebels accused the army of shelling Homs.", ("accusation",)),
    ('The ministry denied it & called it "lies".', ("denial",)),
    ("At least 3 people were killed, the Observatory said.", ("casualty_report", "accusation")),
    ("Weather was <b>mild</b>.", ()),
    ("Residents wrote <script>alert('x')</script> on a wall.", ("demand",)),
]
SECOND = Document("table.csv", "The council called on the militia to withdraw.\nNothing else happened.", id="7")
SECOND_SENTENCES = [
    ("The council called on the militia to withdraw.", ("demand",)),
    ("Nothing else happened.", ()),
]


def documents_with_rows() -> list:
    return [
        (FIRST, rows_for(FIRST, FIRST_SENTENCES, {2: {"killed": 3, "qualifier": "at least", "source": "the Observatory"}})),
        (SECOND, rows_for(SECOND, SECOND_SENTENCES)),
    ]


def make_report() -> HtmlReport:
    report = HtmlReport(TAGS)
    for document, rows in documents_with_rows():
        report.add(document, rows)
    return report


class Page(HTMLParser):
    """The parts of a page the tests look at: sentence spans, document texts, tags used."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.spans: list[dict] = []  # attributes, plus "text"
        self.texts: list[str] = []  # the text of each document section, tags stripped
        self.headings: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self._span: dict | None = None
        self._in_text = self._in_h2 = False
        self._depth = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if self._in_text:
            self._depth += 1
        if tag == "div" and attrs.get("class") == "text":
            self._in_text, self._depth = True, 0
            self.texts.append("")
        elif tag == "span" and "sentence" in (attrs.get("class") or "").split():
            self._span = {**attrs, "text": ""}
            self.spans.append(self._span)
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if self._in_text:
            if self._depth == 0 and tag == "div":
                self._in_text = False
            else:
                self._depth -= 1
        if tag == "span":
            self._span = None
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_text:
            self.texts[-1] += data
        if self._span is not None:
            self._span["text"] += data
        if self._in_h2:
            self.headings[-1] += data


def legend_counts(page: str) -> dict[str, int]:
    counts = {
        tag: int(n)
        for tag, n in re.findall(r'<span class="swatch tag-[\w-]+">([^<]+)</span></td><td class="n">(\d+)</td>', page)
    }
    for name, key in (("untagged", "untagged"), ("all sentences", "sentences"), ("documents", "documents")):
        counts[key] = int(re.search(rf"<td>{name}</td><td[^>]*>(\d+)</td>", page).group(1))
    return counts


# --- the page itself -------------------------------------------------------------------------


def test_every_sentence_appears_once_escaped():
    page = make_report().render()
    for text, _ in FIRST_SENTENCES + SECOND_SENTENCES:
        assert page.count(escape(text, quote=False)) == 1, text


def test_spans_carry_their_tags_in_canonical_order():
    spans = Page(make_report().render()).spans
    expected = [(text, " ".join(t for t in TAGS if t in tags)) for text, tags in FIRST_SENTENCES + SECOND_SENTENCES]
    assert [(span["text"], span["data-tags"]) for span in spans] == expected
    assert all(span["class"] == "sentence" for span in spans)


def test_text_between_sentences_is_kept_exactly():
    page = Page(make_report().render())
    assert page.texts == [FIRST.text, SECOND.text]


def test_a_script_in_a_sentence_is_text():
    page = make_report().render()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert "<b>mild" not in page
    assert page.count("<script") == 1  # the page's own tooltip script
    assert Page(page).spans[4]["text"] == "Residents wrote <script>alert('x')</script> on a wall."


def test_counts_and_legend():
    report = make_report()
    page = report.render()
    assert legend_counts(page) == {
        "accusation": 2, "denial": 1, "casualty_report": 1, "demand": 2,
        "untagged": 2, "sentences": 7, "documents": 2,
    }
    for tag in TAGS:
        background, _ = COLOURS[tag]
        assert re.search(rf"\.swatch\.tag-{tag}\{{background:{background}", page)
    assert report.counts == {"accusation": 2, "denial": 1, "casualty_report": 1, "demand": 2}


def test_every_tag_combination_has_a_colour():
    page = make_report().render()
    assert f'.sentence[data-tags="accusation"]{{background:{COLOURS["accusation"][0]}' in page
    both = re.search(r'\.sentence\[data-tags="accusation casualty_report"\]\{([^}]*)\}', page).group(1)
    assert "linear-gradient" in both
    assert COLOURS["accusation"][0] in both and COLOURS["casualty_report"][0] in both
    assert '.sentence[data-tags=""]{' not in page  # untagged sentences stay plain


def test_document_names_and_contents():
    page = make_report().render()
    assert Page(page).headings[-2:] == ["news/a.txt", "table.csv#7"]
    assert '<a href="#doc-1">news/a.txt</a>' in page and '<a href="#doc-2">table.csv#7</a>' in page


def test_tooltip_shows_tags_scores_figures_and_source():
    spans = Page(make_report().render()).spans
    tip = spans[2]["title"]
    assert tip.splitlines()[0] == "tags: accusation, casualty_report"
    assert "  accusation 0.900  ✓" in tip and "  denial 0.100" in tip and "  demand 0.100" in tip
    assert "casualties: at least 3 killed" in tip
    assert "source: the Observatory" in tip
    assert spans[3]["title"].startswith("tags: none")
    assert "casualties" not in spans[3]["title"] and "source" not in spans[3]["title"]
    assert "tabindex" in spans[2] and "tabindex" not in spans[3]  # tagged sentences take focus


def test_nothing_is_loaded_from_anywhere():
    page = make_report().render()
    elements = Page(page).elements
    assert not [tag for tag, _ in elements if tag in {"link", "img", "iframe", "object", "embed", "video", "audio", "source"}]
    assert not [attrs for tag, attrs in elements if "src" in attrs]
    assert all(attrs["href"].startswith("#") for tag, attrs in elements if "href" in attrs)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing


def test_escapes_names_and_tags_too():
    document = Document('<img src="http://x/y.png">', "One. Two.", id='"&')
    report = HtmlReport([*TAGS, "odd</style>"])
    report.add(document, [row(document, 0, 0, 4, ["odd</style>"]), row(document, 1, 5, 9)])
    page = report.render()
    assert "<img" not in page
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]  # where a browser ends the style
    assert '.sentence[data-tags="odd\\3c /style>"]{' in style
    parsed = Page(page)
    assert parsed.headings[-1] == '<img src="http://x/y.png">#"&'
    assert parsed.texts == ["One. Two."]
    assert parsed.spans[0]["data-tags"] == "odd</style>"


def test_odd_offsets_never_repeat_or_lose_text():
    document = Document("d", "Alpha beta. Gamma delta. Epsilon.")
    rows = [
        row(document, 1, 12, 24, ["denial"]),
        row(document, 0, 0, 15, ["accusation"]),  # overlaps the next one; given out of order
        row(document, 2, 25, 99, ["demand"]),  # runs past the end
        row(document, 3, 40, 50),  # wholly outside
    ]
    report = HtmlReport(TAGS)
    report.add(document, rows)
    parsed = Page(report.render())
    assert parsed.texts == [document.text]
    assert [span["text"] for span in parsed.spans] == ["Alpha beta. Gam", "ma delta.", "Epsilon."]
    assert report.sentences == 4


def test_an_empty_report_is_a_page():
    page = HtmlReport(TAGS).render()
    assert page.startswith("<!DOCTYPE html>") and "No documents." in page
    assert legend_counts(page)["documents"] == 0


def test_predict_output_writes_the_page_to_a_file_and_to_stdout(tmp_path, capsys):
    from classifier.writers import Output

    def write(target):
        with Output(target, "html", tags=TAGS) as out:
            for document, rows in documents_with_rows():
                out.write(document, rows)

    target = tmp_path / "report.html"
    write(target)
    assert target.read_text(encoding="utf-8") == make_report().render()
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no partial file left
    write("-")
    assert capsys.readouterr().out == make_report().render()


def test_with_rows_from_the_bundled_model():
    from classifier.annotate import tag_document
    from classifier.artifact import load

    model = load()
    document = Document("x.txt", "Rebels accused the army of shelling Homs.\n\nAt least 12 people were killed on Monday.")
    rows = tag_document(model, document)
    report = HtmlReport(model.tags)
    report.add(document, json.loads(json.dumps(rows)))  # as read back from JSONL
    parsed = Page(report.render())
    assert parsed.texts == [document.text]
    assert [span["data-tags"] for span in parsed.spans] == [" ".join(r["tags"]) for r in rows]


# --- in a browser ----------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"{CHROMIUM} is not installed (scripts/setup installs Debian's chromium when apt can)",
)


def chromium(page: Path, profile: Path, *options: str) -> subprocess.CompletedProcess:
    """Run headless chromium on a local file; killed (with its helpers) after BROWSER_TIMEOUT s."""
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *options, page.as_uri(),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium took more than {BROWSER_TIMEOUT} s: {' '.join(command)}")
    assert process.returncode == 0, err[-2000:]
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.fixture
def rendered_page(tmp_path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(make_report().render(), encoding="utf-8")
    return path


@needs_chromium
def test_the_browser_renders_the_highlighted_sentences(rendered_page, tmp_path):
    dom = chromium(rendered_page, tmp_path / "profile", "--dump-dom").stdout
    parsed = Page(dom)
    expected = [(text, " ".join(t for t in TAGS if t in tags)) for text, tags in FIRST_SENTENCES + SECOND_SENTENCES]
    assert [(span["text"], span["class"], span["data-tags"]) for span in parsed.spans] == [
        (text, "sentence", tags) for text, tags in expected
    ]
    assert parsed.texts == [FIRST.text, SECOND.text]
    # The script ran: each sentence's title became its tooltip text.
    assert all("data-tip" in span and "title" not in span for span in parsed.spans)
    assert parsed.spans[2]["data-tip"].startswith("tags: accusation, casualty_report")


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


@needs_chromium
def test_the_browser_paints_the_tag_colours(rendered_page, tmp_path):
    import numpy as np
    from matplotlib.image import imread

    shot = tmp_path / "shot.png"
    chromium(rendered_page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.is_file() and shot.stat().st_size > 10_000
    pixels = np.round(imread(shot)[..., :3] * 255).astype(int)
    assert pixels.shape[:2] == (900, 1200)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # not a blank page
    for tag in TAGS:  # every tag's highlight is on screen
        near = np.abs(pixels - np.array(_hex(COLOURS[tag][0]))).max(axis=-1) <= 2
        assert near.sum() > 200, tag
