"""Tagged documents as one self-contained HTML page, for reading: each document's full text with
its sentences highlighted by tag, and the scores, casualty figures and source on hover.

The page loads nothing: styles and the small tooltip script are inline, and a Content-Security-
Policy forbids any fetch. Everything from the input is escaped, and the text between sentences is
kept as it is (``white-space: pre-wrap``), so the page shows each document exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Sequence

from .readers import Document

DEFAULT_TITLE = "claimtag report"

# Light backgrounds (dark text on all of them is above 10:1 contrast) and a darker edge of the same
# hue, from the Okabe-Ito palette, which stays distinct with the common colour-vision deficiencies.
COLOURS = {
    "accusation": ("#f4c6df", "#a8467f"),
    "denial": ("#bfe1f6", "#0072b2"),
    "casualty_report": ("#fde3a7", "#9a6400"),
    "demand": ("#b5e6d5", "#00795a"),
}
_SPARE_COLOURS = [("#f9cbb1", "#b34a00"), ("#d9d2f3", "#5b49a6"), ("#e0e0e0", "#555555"), ("#f5f0a8", "#7a7000")]
_TEXT = "#1a1a1a"
_SCORE_FORMAT = "{:.3f}"

_STYLE = """
*{box-sizing:border-box}
body{margin:0;padding:1.5rem 2rem 3rem;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;background:#fff}
h1{font-size:1.6rem;margin:0 0 .75rem}
h2{font-size:1.15rem;margin:0;overflow-wrap:anywhere}
.summary{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start;margin-bottom:1.5rem}
table.legend{border-collapse:collapse}
.legend th,.legend td{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #ddd}
.legend td.n{text-align:right;font-variant-numeric:tabular-nums}
.legend tfoot td{font-weight:600;border-bottom:0}
.swatch{display:inline-block;min-width:9rem;padding:0 .4rem;border-radius:3px;color:#1a1a1a}
.note{color:#444;max-width:32rem;margin:0}
nav ol{margin:.25rem 0 0;padding-left:1.5rem}
nav a{color:#0b57a4}
section.document{border-top:2px solid #ccc;padding-top:1rem;margin-top:1.5rem}
.meta{color:#444;font-size:.9rem;margin:.2rem 0 .6rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:60rem;margin:0}
.sentence{border-radius:2px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.sentence:not([data-tags=""]){color:#1a1a1a;padding:1px 0;cursor:help}
.sentence:focus{outline:2px solid #1a1a1a;outline-offset:1px}
#tip{position:absolute;z-index:10;display:none;max-width:28rem;padding:.45rem .6rem;border-radius:4px;background:#1a1a1a;color:#fff;font-size:.85rem;line-height:1.4;white-space:pre-wrap;pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.3)}
@media print{#tip,nav{display:none}}
"""

# Moves each sentence's title into a tooltip that also shows on keyboard focus; without script the
# browser's own title tooltip shows the same text.
_SCRIPT = """
(function(){
  var tip=document.getElementById('tip');
  document.querySelectorAll('.sentence[title]').forEach(function(s){
    s.setAttribute('data-tip',s.getAttribute('title'));s.removeAttribute('title');
  });
  function show(e){
    var s=e.target.closest&&e.target.closest('.sentence[data-tip]');
    if(!s){tip.style.display='none';return;}
    tip.textContent=s.getAttribute('data-tip');tip.style.display='block';
    var r=s.getBoundingClientRect(), mouse=e.type==='mouseover';
    var x=mouse?e.clientX:r.left, y=mouse?e.clientY+14:r.bottom;
    x=Math.max(4,Math.min(x,document.documentElement.clientWidth-tip.offsetWidth-4));
    tip.style.left=(x+window.scrollX)+'px';tip.style.top=(y+window.scrollY+4)+'px';
  }
  document.addEventListener('mouseover',show);
  document.addEventListener('focusin',show);
  document.addEventListener('mouseleave',function(){tip.style.display='none';});
})();
"""

# No fetch of any kind; only the inline style and script run.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


class HtmlReport:
    """Collects documents with their rows and writes one self-contained HTML page.

    Each document is rendered when added, so only its HTML is kept, not the rows.
    """

    def __init__(self, tags: Sequence[str], title: str = DEFAULT_TITLE):
        self.tags = list(tags)
        self.title = title
        spare = iter(_SPARE_COLOURS * (len(self.tags) // len(_SPARE_COLOURS) + 1))
        self.colours = {tag: COLOURS.get(tag) or next(spare) for tag in self.tags}
        self.counts: Counter[str] = Counter()
        self.sentences = 0
        self.documents = 0
        self._combinations: set[tuple[str, ...]] = set()
        self._sections: list[str] = []
        self._names: list[tuple[str, int, int]] = []  # name, sentences, tagged sentences

    def add(self, document: Document, rows: list[dict]) -> None:
        """Add ``document`` with its rows (as ``claimtag predict`` makes them) as a section."""
        self.documents += 1
        number = self.documents
        text = document.text
        parts: list[str] = []
        cursor = 0
        tagged = 0
        for row in sorted(rows, key=lambda row: (row["start"], row["end"])):
            tags = self._ordered(row.get("tags") or [])
            self.sentences += 1
            self.counts.update(tags)
            tagged += bool(tags)
            # Offsets are clipped to the text and to what is already shown, so overlapping or
            # out-of-range rows never repeat or lose text.
            start = min(max(int(row["start"]), cursor), len(text))
            end = min(max(int(row["end"]), start), len(text))
            if end == start:
                continue
            parts.append(_text(text[cursor:start]))
            if tags:
                self._combinations.add(tuple(tags))
            focus = ' tabindex="0"' if tags else ""
            parts.append(
                f'<span class="sentence" data-tags="{_attr(" ".join(tags))}" data-sentence="{_attr(row.get("sentence", ""))}"'
                f'{focus} title="{_attr(self._tooltip(row, tags))}">{_text(text[start:end])}</span>'
            )
            cursor = end
        parts.append(_text(text[cursor:]))
        name = document.key
        self._names.append((name, len(rows), tagged))
        self._sections.append(
            f'<section class="document" id="doc-{number}">\n'
            f"<h2>{_text(name)}</h2>\n"
            f'<p class="meta">{_plural(len(rows), "sentence")}, {tagged} tagged</p>\n'
            f'<div class="text">{"".join(parts)}</div>\n'
            "</section>\n"
        )

    def render(self) -> str:
        """The whole page."""
        title = _text(self.title)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f"<style>{_STYLE}{self._tag_style()}</style>\n"
            "</head>\n<body>\n"
            f"<h1>{title}</h1>\n"
            f'<div class="summary">\n{self._legend()}{self._note()}</div>\n'
            f"{self._contents()}"
            f'<main>\n{"".join(self._sections) or "<p>No documents.</p>"}</main>\n'
            '<div id="tip" role="tooltip"></div>\n'
            f"<script>{_SCRIPT}</script>\n"
            "</body>\n</html>\n"
        )

    def _ordered(self, tags) -> list[str]:
        present = set(tags)
        known = [tag for tag in self.tags if tag in present]
        return known + sorted(present - set(known))

    def _tooltip(self, row: dict, tags: list[str]) -> str:
        scores = row.get("scores") or {}
        lines = [f"tags: {', '.join(tags) if tags else 'none'}"]
        lines.append("scores:")
        for tag in [*self.tags, *(t for t in scores if t not in self.tags)]:
            if tag in scores:
                lines.append(f"  {tag} {_score(scores[tag])}{'  ✓' if tag in tags else ''}")
        figures = []
        qualifier = f"{row['qualifier']} " if row.get("qualifier") else ""
        for field in ("killed", "injured"):
            if row.get(field) is not None:
                figures.append(f"{qualifier}{row[field]} {field}")
        if figures:
            lines.append("casualties: " + ", ".join(figures))
        if row.get("source"):
            lines.append(f"source: {row['source']}")
        return "\n".join(lines)

    def _tag_style(self) -> str:
        rules = []
        for tag in self.tags:
            background, edge = self.colours[tag]
            rules.append(f".swatch.tag-{_css_name(tag)}{{background:{background};box-shadow:inset 0 -3px 0 {edge}}}")
        for tags in sorted(self._combinations):
            # One band per tag, top to bottom, and the first tag's edge underneath.
            backgrounds = [self.colours.get(tag, _SPARE_COLOURS[-2])[0] for tag in tags]
            edge = self.colours.get(tags[0], _SPARE_COLOURS[-2])[1]
            if len(backgrounds) == 1:
                fill = f"background:{backgrounds[0]}"
            else:
                step = 100 / len(backgrounds)
                stops = ",".join(
                    f"{colour} {i * step:.2f}% {(i + 1) * step:.2f}%" for i, colour in enumerate(backgrounds)
                )
                fill = f"background:linear-gradient(to bottom,{stops})"
            selector = f'.sentence[data-tags="{_css_string(" ".join(tags))}"]'
            rules.append(f"{selector}{{{fill};box-shadow:inset 0 -2px 0 {edge}}}")
        return "\n" + "\n".join(rules) + "\n"

    def _legend(self) -> str:
        rows = "".join(
            f'<tr><td><span class="swatch tag-{_css_name(tag)}">{_text(tag)}</span></td>'
            f'<td class="n">{self.counts[tag]}</td></tr>\n'
            for tag in self.tags
        )
        untagged_total = self.sentences - self._tagged_total()
        return (
            '<table class="legend">\n<thead><tr><th>tag</th><th>sentences</th></tr></thead>\n'
            f"<tbody>\n{rows}"
            f'<tr><td>untagged</td><td class="n">{untagged_total}</td></tr>\n</tbody>\n'
            f'<tfoot><tr><td>all sentences</td><td class="n" id="total-sentences">{self.sentences}</td></tr>\n'
            f'<tr><td>documents</td><td class="n" id="total-documents">{self.documents}</td></tr></tfoot>\n'
            "</table>\n"
        )

    def _tagged_total(self) -> int:
        return sum(tagged for _, _, tagged in self._names)

    def _note(self) -> str:
        return (
            '<p class="note">Each sentence is highlighted in the colour of its tags (one band per tag '
            "when it has several); untagged sentences are plain. Hover over a sentence, or tab to a "
            "tagged one, for its tags, the score of every tag, the casualty figures and who said it.</p>\n"
        )

    def _contents(self) -> str:
        if len(self._names) < 2:
            return ""
        items = "".join(
            f'<li><a href="#doc-{i}">{_text(name)}</a> ({tagged}/{sentences} tagged)</li>\n'
            for i, (name, sentences, tagged) in enumerate(self._names, 1)
        )
        return f'<nav aria-label="documents"><h2>Documents</h2>\n<ol>\n{items}</ol>\n</nav>\n'


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _score(value) -> str:
    try:
        return _SCORE_FORMAT.format(float(value))
    except (TypeError, ValueError):
        return str(value)


def _css_name(tag: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", tag)


def _css_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
