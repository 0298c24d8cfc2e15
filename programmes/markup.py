"""The small text markup of the editor, to and from the stored (sanitised) HTML.

A blank line separates paragraphs; lines starting with "- " or "* " form a bullet list and
"1. " a numbered list; **bold**, *italic* and [text](https://address) inside a line. Text that
starts with an HTML tag is taken as HTML (pasted from elsewhere). Either way, what is stored
passes through `clean_html`.
"""

import re
from html import escape
from html.parser import HTMLParser

from programmes.html import clean_html

BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
INLINE = [
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
]


def _inline(line: str) -> str:
    html = escape(line.strip(), quote=True)
    for pattern, replacement in INLINE:
        html = pattern.sub(replacement, html)
    return html


def _flush_paragraph(out: list, lines: list) -> None:
    if lines:
        out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
        lines.clear()


def to_html(text: str) -> str:
    """Stored HTML for what the editor typed."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if text.startswith("<"):
        return clean_html(text)
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        out, list_tag, paragraph = [], None, []

        for line in lines:
            bullet, numbered = BULLET.match(line), NUMBERED.match(line)
            tag = "ul" if bullet else "ol" if numbered else None
            if tag != list_tag and list_tag:
                out.append(f"</{list_tag}>")
            if tag:
                _flush_paragraph(out, paragraph)
                if tag != list_tag:
                    out.append(f"<{tag}>")
                out.append(f"<li>{_inline((bullet or numbered).group(1))}</li>")
            else:
                paragraph.append(line)
            list_tag = tag
        if list_tag:
            out.append(f"</{list_tag}>")
        _flush_paragraph(out, paragraph)
        blocks.append("".join(out))
    return clean_html("".join(blocks))


class _ToMarkup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list] = []  # [tag, counter]
        self.href: str | None = None

    def _flush(self):
        text = "".join(self.line).strip()
        if text:
            self.blocks.append(text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "ul", "ol"):
            self._flush()
            if tag != "p":
                self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
                kind, count = self.lists[-1]
                self.line.append(f"{count}. " if kind == "ol" else "- ")
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.line.append("[")
        elif tag == "br":
            self._flush_line_break()

    def _flush_line_break(self):
        text = "".join(self.line).strip()
        self.line = []
        if text:
            self.blocks.append(text + "\n")

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            self.line.append(f"]({self.href})")
            self.href = None
        elif tag in ("p", "li"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            self.blocks.append("")

    def handle_data(self, data):
        self.line.append(re.sub(r"\s+", " ", data))

    def result(self) -> str:
        self._flush()
        text, previous_item = "", False
        for block in self.blocks:
            if block == "":
                previous_item = False
                continue
            item = bool(BULLET.match(block) or NUMBERED.match(block))
            if text and not text.endswith("\n"):
                text += "\n" if (item and previous_item) else "\n\n"
            text += block
            previous_item = item
        return text.strip()


def to_markup(html: str) -> str:
    """The editor's markup for stored HTML (which only holds what `clean_html` allows)."""
    if not html:
        return ""
    parser = _ToMarkup()
    parser.feed(html)
    parser.close()
    return parser.result()


def plain_text(html: str) -> str:
    """Words of stored HTML without tags, paragraphs on their own lines (for comparisons)."""
    return to_markup(html)
