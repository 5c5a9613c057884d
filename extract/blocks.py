"""The records every reader produces and every later stage consumes.

A reader (text, HTML, PDF) turns a source into a `ReadResult`: an ordered stream of
`Block`s plus what it learned about the document (title, metadata, links, issues).
The stages after it never look at the source format again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block is, as far as the reader can tell."""

    HEADING = "heading"  # marked up as a heading (h1–h6) or set apart by font size/weight
    PARAGRAPH = "paragraph"  # running text, or a line whose role the reader cannot tell
    LIST_ITEM = "list_item"  # an item of a marked-up list (li, dt/dd) or a bulleted PDF line
    TABLE_ROW = "table_row"  # one row of a table; `cells` holds its cells in order


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of content in reading order.

    `text` is the block's text as the reader found it (not yet normalized); for a table row it
    is the cells joined by tabs. `level` is the nesting the markup states (h2 → 2, a list item
    inside a list item → 2); None when the source states none (plain text, most PDF lines).
    `indent` is the leading indentation in characters for plain text (字下げ marks a paragraph).
    """

    kind: BlockKind
    text: str
    level: int | None = None
    indent: int = 0
    page: int | None = None  # 1-based page number (PDF only)
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    font_size: float | None = None  # median font size of the block (PDF only)
    bold: bool = False
    cells: tuple[str, ...] = ()  # table rows only
    table: int | None = None  # index of the table in the document (table rows only)
    row: int | None = None  # row index inside its table
    header: bool = False  # a header row (th cells, or a PDF table's first row of labels)
    ocr_confidence: float | None = None  # read by text recognition, mean confidence 0–1

    def __post_init__(self) -> None:
        if self.kind is BlockKind.TABLE_ROW and not self.cells:
            raise ValueError("a table row needs cells")
        if self.page is not None and self.page < 1:
            raise ValueError(f"pages are 1-based, got {self.page}")


@dataclass(frozen=True, slots=True)
class Line:
    """One block of content placed in the document text, with the facts the outline reads.

    Made from a reader's `Block` once the text is joined (`structure/lines.py`). `span` is the
    line's offsets in the document text. Sizes and gaps are relative, so one rule holds for any
    type size: `size` is the font size over the body text's (1.0 for body text, None when the
    source has no sizes); `gap_above`/`gap_below` are the blank space to the neighbouring line
    in ems (None across a page break or without a layout). `markup_level` is the heading level
    the source states (h1–h6, or the PDF reader's type-size rank); `cell` is (table, row,
    column) for a table row's first cell; `repeats` counts the pages printing the same text.
    """

    text: str
    span: tuple[int, int]
    kind: BlockKind
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    indent: int = 0
    size: float | None = None
    bold: bool = False
    markup_level: int | None = None
    cells: tuple[str, ...] = ()
    cell: tuple[int, int, int] | None = None
    header: bool = False
    gap_above: float | None = None
    gap_below: float | None = None
    repeats: int = 1

    @property
    def in_table(self) -> bool:
        return self.kind is BlockKind.TABLE_ROW


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in the content: a document (PDF, Word, Excel) or a sub-page."""

    url: str  # absolute
    text: str  # anchor text as printed
    kind: str  # "document" or "page"
    media_type: str | None = None  # guessed from the extension
    size_text: str | None = None  # file size as printed next to the link ("PDFファイル：512KB")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input, reported in the document's `issues`."""

    code: str  # stable, snake_case: "no_text_layer", "encoding_mismatch", ...
    message: str
    severity: str = "warning"  # "info" | "warning" | "error"
    where: str | None = None  # "page 3", "line 12", a CSS path...


@dataclass(slots=True)
class ReadResult:
    """What a reader returns for one source."""

    blocks: list[Block]
    media_type: str
    title: str | None = None  # the content's own title when the reader knows it (h1, PDF title)
    encoding: str | None = None  # the character encoding used to decode text sources
    pages: int | None = None  # page count (PDF)
    metadata: dict[str, str | list[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False  # nothing usable could be read (status "failed")
