"""The HTML report: one marked element per sentence, probabilities attached, text inert."""

import io
from html.parser import HTMLParser

from stance.report import HtmlReport

LABELS = ["anti-war", "neutral", "pro-war", "realist"]


def row(doc, index, text, label, gap=" "):
    probabilities = {f"p_{name}": 0.1 for name in LABELS}
    probabilities[f"p_{label}"] = 0.7
    return {
        "doc": doc,
        "index": index,
        "start": 0,
        "end": len(text),
        "text": text,
        "label": label,
        "confidence": 0.7,
        **probabilities,
        "_gap": gap,
    }


class Spans(HTMLParser):
    def __init__(self):
        super().__init__()
        self.spans, self.scripts, self.paragraphs, self._open = [], 0, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "s" in (attrs.get("class") or "").split():
            self._open = {**attrs, "text": ""}
        if tag == "script":
            self.scripts += 1
        if tag == "p":
            self.paragraphs += 1

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            self.spans.append(self._open)
            self._open = None


def render(rows):
    stream = io.StringIO()
    report = HtmlReport(stream, LABELS)
    report.write(rows)
    report.close()
    return stream.getvalue()


def test_one_element_per_sentence_with_label_and_probabilities():
    rows = [
        row("a.txt", 0, "Freeze the front.", "realist"),
        row("a.txt", 1, "Stop the war.", "anti-war"),
        row("b.txt", 0, "Leave a reply.", "neutral"),
        row("b.txt", 1, "Next paragraph.", "pro-war", gap="\n\n"),
    ]
    page = render(rows)
    parser = Spans()
    parser.feed(page)
    assert [(s["text"], s["data-label"]) for s in parser.spans] == [
        (r["text"], r["label"]) for r in rows
    ]
    for span, source in zip(parser.spans, rows, strict=True):
        assert span["class"] == f"s {source['label']}"
        assert float(span[f"data-p-{source['label']}"]) == 0.7
        assert span["tabindex"] == "0" and source["label"] in span["data-tip"]
    assert parser.paragraphs == 3  # a.txt, b.txt, and the paragraph break in b.txt
    assert page.count("<article>") == 2 and "<td>a.txt</td><td>2</td>" in page


def test_html_in_articles_stays_text():
    text = 'Stop <script>alert("x")</script> <img src=x onerror=alert(1)> now.'
    page = render([row("<b>doc</b>.txt", 0, text, "anti-war")])
    parser = Spans()
    parser.feed(page)
    assert parser.spans[0]["text"] == text  # shown as text...
    assert parser.scripts == 1  # ...and the page's own script is the only one
    assert "<img" not in page and "&lt;script&gt;" in page and "&lt;b&gt;doc" in page
