"""What the outline stage made of each line of a file, and why: `extract explain FILE`.

For every line: its number, page, the heading level its source states, what it was taken for
(heading, list item, body, table cell, caption, figure label, furniture), the heading score with
its confidence, the text, and the features that fired (those with a weight signed + or −, the
others in brackets). Then the tree built from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extract.blocks import Line
from extract.errors import InputError
from extract.readers import read, sniff_media_type
from extract.structure.boilerplate import strip_boilerplate
from extract.structure.classify import Label, weights
from extract.structure.lines import to_lines
from extract.structure.normalize import normalize_blocks
from extract.structure.outline import Section, build_outline
from extract.structure.title import document_title

# Characters of a line's text shown in a row.
SHOWN_CHARS = 48


@dataclass(frozen=True, slots=True)
class Explained:
    """One file's lines with their labels, its title and its tree."""

    title: str | None
    lines: list[Line]
    labels: list[Label]
    root: Section


def explain_bytes(data: bytes, uri: str) -> Explained:
    """The outline stage's decisions on one source (the pipeline's stages 1 to 5)."""
    kind = sniff_media_type(data, uri)
    try:
        result = read(data, name=uri, media_type=kind)
    except InputError:
        return Explained(None, [], [], Section(None, None, None, None))
    blocks, _ = strip_boilerplate(normalize_blocks(result.blocks))
    title, blocks = document_title(result, blocks, uri)
    _, lines = to_lines(blocks)
    root, labels = build_outline(lines, title)
    return Explained(title, lines, labels, root)


def _signed(label: Label) -> str:
    w = weights()[1]
    return " ".join(f"{'+' if w[f] > 0 else '-'}{f}" for f in label.fired if w.get(f, 0.0))


def _context(label: Label) -> str:
    w = weights()[1]
    silent = [f for f in label.fired if not w.get(f, 0.0)]
    return f" ({' '.join(silent)})" if silent else ""


def render(explained: Explained) -> str:
    """The explanation as text: one row per line, then the tree."""
    rows = [f"title: {explained.title or '-'}", ""]
    for n, (line, label) in enumerate(zip(explained.lines, explained.labels, strict=True), 1):
        page = f"p{line.page}" if line.page is not None else "-"
        text = line.text.replace("\t", " | ")
        if len(text) > SHOWN_CHARS:
            text = text[:SHOWN_CHARS] + "…"
        level = f"h{line.markup_level}" if line.markup_level is not None else "-"
        rows.append(f"{n:>5} {page:>5} {level:>3} {label.kind.value:<12} {label.score:>6.1f} "
                    f"{label.confidence:.2f}  {text}  [{_signed(label)}]{_context(label)}")
    rows += ["", "tree:"]

    def walk(section: Section, depth: int) -> None:
        for child in section.children:
            head = f"{child.label} " if child.label else ""
            rows.append(f"{'  ' * depth}{head}{child.title}  "
                        f"({child.confidence if child.confidence is not None else '-'})")
            walk(child, depth + 1)

    walk(explained.root, 1)
    return "\n".join(rows)


def explain_file(path: Path) -> str:
    """`extract explain`'s output for the file at `path`."""
    return render(explain_bytes(path.read_bytes(), path.as_posix()))
