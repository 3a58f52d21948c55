"""A self-contained HTML view of tagged articles: running text with every sentence marked in
its label's colour, probabilities on hover or focus, a stance bar per article, a summary
table and a label filter. Inline CSS and a little JS; nothing is fetched; all text escaped.
"""

from __future__ import annotations

import tempfile
from html import escape
from typing import IO, Any

from stance.tagging import dominant_label

# Okabe-Ito colours, chosen to stay distinct for colour-blind readers; each label also has
# its own underline style, so colour is never the only cue.
COLOURS = {
    "pro-war": ("#D55E00", "solid"),
    "realist": ("#E69F00", "double"),
    "anti-war": ("#0072B2", "solid"),
    "neutral": ("#999999", "dotted"),
    "uncertain": ("#CC79A7", "dashed"),
}

_CSS = """
body{font:16px/1.6 Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.1rem;font-family:sans-serif;word-break:break-all}
nav{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ddd;
font-family:sans-serif;font-size:.9rem;z-index:2}
nav button{margin:.1rem;padding:.2rem .6rem;border:1px solid #888;background:#f6f6f6;
cursor:pointer;border-radius:3px}nav button[aria-pressed=true]{background:#222;color:#fff}
.key{display:inline-block;width:1.2em;height:.8em;margin-right:.3em;vertical-align:middle}
table{border-collapse:collapse;font-family:sans-serif;font-size:.85rem;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left;word-break:break-all}
.bar{display:flex;height:.9rem;margin:.3rem 0 1rem;border:1px solid #aaa}
.bar span{display:block;height:100%}
article{margin:2rem 0;border-top:2px solid #ddd}
.s{position:relative;padding:0 .05em;border-bottom-width:3px;border-bottom-style:solid}
.s:focus{outline:2px solid #000}
.s:hover::after,.s:focus::after{content:attr(data-tip);position:absolute;left:0;top:1.7em;
z-index:3;white-space:pre;background:#222;color:#fff;font:12px/1.4 sans-serif;
padding:.3rem .5rem;border-radius:3px}
"""

_JS = """
function show(label){
  document.body.dataset.only=label;
  document.querySelectorAll('nav button').forEach(function(b){
    b.setAttribute('aria-pressed', b.dataset.label===label ? 'true' : 'false');});
  if(history.replaceState){history.replaceState(null,'',label==='all'?'#':'#only='+label);}
}
document.querySelectorAll('nav button').forEach(function(b){
  b.addEventListener('click',function(){show(b.dataset.label);});});
var m=location.hash.match(/only=([a-z-]+)/);show(m?m[1]:'all');
"""


def _label_css(labels: list[str]) -> str:
    rules = []
    for label in labels:
        colour, style = COLOURS.get(label, ("#666666", "solid"))
        rules.append(
            f".s.{label}{{background:{colour}2e;border-bottom:3px {style} {colour}}}"
            f".key.{label},.bar .{label}{{background:{colour}}}"
            f'body[data-only="{label}"] .s:not(.{label}){{display:none}}'
        )
    return "\n".join(rules)


class HtmlReport:
    """Collects tagged rows document by document, then writes one HTML file."""

    def __init__(self, stream: IO[str], labels: list[str], *, title: str = "stance report") -> None:
        self.stream = stream
        self.labels = labels
        self.shown = [*labels, "uncertain"]
        self.title = title
        # Articles are rendered as they complete and kept on disk until the summary is known.
        self.articles = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close)
        self.summary: list[tuple[str, int, dict[str, int]]] = []
        self.doc: str | None = None
        self.rows: list[dict[str, Any]] = []

    def write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row["doc"] != self.doc:
                self._flush()
                self.doc = row["doc"]
            self.rows.append(row)

    def _flush(self) -> None:
        if not self.rows:
            return
        counts = {label: 0 for label in self.shown}
        for row in self.rows:
            counts[row["label"]] = counts.get(row["label"], 0) + 1
        total = len(self.rows)
        self.summary.append((self.doc or "", total, counts))
        bar = "".join(
            f'<span class="{label}" style="width:{100 * n / total:.2f}%" '
            f'title="{label} {n} of {total}"></span>'
            for label, n in counts.items()
            if n
        )
        parts = [f'<article><h2>{escape(self.doc or "")}</h2><div class="bar">{bar}</div><p>']
        for index, row in enumerate(self.rows):
            gap = row.get("_gap", " ")
            if index and "\n" in gap:
                parts.append("</p><p>" if gap.count("\n") > 1 else "<br>")
            elif index:
                parts.append(" ")
            tip = "\n".join(f"{label} {row[f'p_{label}']:.2f}" for label in self.labels)
            probabilities = " ".join(
                f'data-p-{label}="{row[f"p_{label}"]}"' for label in self.labels
            )
            parts.append(
                f'<span class="s {row["label"]}" tabindex="0" data-label="{row["label"]}" '
                f'data-index="{row["index"]}" {probabilities} '
                f'data-tip="{escape(row["label"] + chr(10) + tip)}">{escape(row["text"])}</span>'
            )
        parts.append("</p></article>\n")
        self.articles.write("".join(parts))
        self.rows = []

    def close(self) -> None:
        self._flush()
        write = self.stream.write
        write(
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)}</title><style>{_CSS}{_label_css(self.shown)}"
            f'</style></head><body data-only="all">\n<h1>{escape(self.title)}</h1>\n'
        )
        buttons = "".join(
            f'<button type="button" data-label="{label}" aria-pressed="false">'
            f'<span class="key {label}"></span>{label}</button>'
            for label in self.shown
        )
        write(
            f'<nav>Show: <button type="button" data-label="all" aria-pressed="true">all'
            f"</button>{buttons}</nav>\n"
        )
        head = "".join(f"<th>{label}</th>" for label in self.shown)
        write(
            f"<table><thead><tr><th>document</th><th>sentences</th>{head}"
            f"<th>dominant</th></tr></thead><tbody>\n"
        )
        for doc, total, counts in self.summary:
            cells = "".join(f"<td>{counts.get(label, 0)}</td>" for label in self.shown)
            dominant = dominant_label(counts, self.labels)
            write(f"<tr><td>{escape(doc)}</td><td>{total}</td>{cells}<td>{dominant}</td></tr>\n")
        write("</tbody></table>\n")
        self.articles.seek(0)
        while chunk := self.articles.read(1 << 20):
            write(chunk)
        self.articles.close()
        write(f"<script>{_JS}</script>\n</body></html>\n")
