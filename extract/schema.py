"""The output contract: one JSON document per source, as pydantic models.

Every model forbids unknown keys, so a typo in a reviewer's hand-corrected file fails loudly.
`SCHEMA_VERSION` changes with any change a consumer could notice; `extract schema` prints the
JSON Schema and `schema/document.schema.json` is the committed copy (a test keeps them in sync).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.2"

POINT_PATTERN = r"^(FY\d{4}|\d{4}(-\d{2}(-\d{2})?)?)$"
# ISO 8601 durations as the period engine writes them: P5Y, P1Y6M, P2W, P3D, PT12H, PT1H30M.
DURATION_PATTERN = r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?)?$"

Point = Annotated[str, Field(pattern=POINT_PATTERN, examples=["FY2006", "2006", "2006-04"])]
IsoDuration = Annotated[str, Field(pattern=DURATION_PATTERN, examples=["P5Y"])]


class Strict(BaseModel):
    # defer_build: a model's validator is built when first used, not when this module is
    # imported, so commands that never validate (help, periods, status) do not pay for it.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Status(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # usable output, but part of the source could not be read
    FAILED = "failed"  # no usable content


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Role(StrEnum):
    MAIN = "main"  # the plan the document defines
    SUB = "sub"  # a plan it divides into (第2期, アクションプラン, 実行計画)
    REFERENCED = "referenced"  # an earlier or related plan named with a period


class NodeKind(StrEnum):
    SECTION = "section"  # a heading and what is under it
    MEASURE = "measure"  # a concrete action the plan commits to
    PREAMBLE = "preamble"  # text before the first heading: it belongs to a node like any other


class Issue(Strict):
    code: str
    message: str
    severity: Severity = Severity.WARNING
    where: str | None = None


class Source(Strict):
    """Where the document came from."""

    uri: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str
    size: int = Field(ge=0)
    encoding: str | None = None
    pages: int | None = Field(default=None, ge=0)


class Span(Strict):
    """Provenance: character offsets into the document's `text`, and the page for PDFs."""

    page: int | None = Field(default=None, ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    bbox: tuple[float, float, float, float] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} precedes its start {self.start}")
        return self


def point_key(point: str) -> tuple[int, int, int]:
    """Sort key of a point: the first month of a fiscal year is April."""
    if point.startswith("FY"):
        return (int(point[2:]), 4, 1)
    parts = [int(p) for p in point.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


class Period(Strict):
    """A plan's period: a range (`start`/`end`, either may be open), a duration, or a recurrence.

    `start_date`/`end_date` resolve the points to the first and last day they cover
    (FY2006 → 2006-04-01, end FY2015 → 2016-03-31) so consumers can ask what was in force.
    """

    text: str
    start: Point | None = None
    end: Point | None = None
    duration: IsoDuration | None = None
    every: IsoDuration | None = None
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = [
            self.start is not None or self.end is not None,
            self.duration is not None,
            self.every is not None,
        ]
        if sum(forms) > 1:
            raise ValueError("a period is a range, a duration or a recurrence, not several")
        if self.start and self.end and point_key(self.end) < point_key(self.start):
            raise ValueError(f"period end {self.end} precedes its start {self.start}")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} precedes start_date {self.start_date}")
        return self


class Municipality(Strict):
    name: str
    code: str | None = Field(default=None, pattern=r"^\d{6}$")  # 全国地方公共団体コード
    prefecture: str | None = None


Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class Target(Strict):
    """A numeric goal of a measure as printed, with its parts where the source gives them
    (a KPI row: 指標, 現状値 (baseline), 目標値 (value), 目標年度 (year))."""

    text: str
    indicator: str | None = None
    baseline: str | None = None
    value: str | None = None
    unit: str | None = None
    year: Point | None = None


class Plan(Strict):
    id: str
    title: str
    kind: str | None = None  # 大綱, 集中改革プラン, 総合計画, 実施計画, ...
    role: Role
    parent_id: str | None = None
    period: Period | None = None
    adopted: Point | None = None  # when the plan was adopted (策定), not its period
    aliases: list[str] = Field(default_factory=list)
    source: Span | None = None
    confidence: Confidence | None = None  # how sure the extractor is (0-1), from its evidence
    evidence: list[str] = Field(default_factory=list)  # names of the evidence that decided it


class Node(Strict):
    id: str  # stable across re-runs of the same input
    kind: NodeKind
    label: str | None = None  # the numbering marker as printed
    title: str | None = None
    text: str = ""  # body directly under the node
    children: list[Node] = Field(default_factory=list)
    period: Period | None = None
    responsible: list[str] = Field(default_factory=list)
    target: str | None = None  # the numeric goal as printed
    targets: list[Target] = Field(default_factory=list)  # the same goals, in parts
    source: Span | None = None
    confidence: Confidence | None = None
    evidence: list[str] = Field(default_factory=list)


class Link(Strict):
    url: str
    text: str
    kind: str
    media_type: str | None = None
    size_text: str | None = None


class Metadata(Strict):
    """Facts about the page rather than its content: where boilerplate goes instead of away."""

    breadcrumbs: list[str] = Field(default_factory=list)
    department: str | None = None
    phone: list[str] = Field(default_factory=list)
    fax: list[str] = Field(default_factory=list)
    email: list[str] = Field(default_factory=list)
    address: str | None = None
    updated: str | None = None  # 更新日 as an ISO date
    page_id: str | None = None
    published: Point | None = None


class Document(Strict):
    schema_version: str = SCHEMA_VERSION
    id: str
    extractor_version: str
    source: Source
    title: str | None = None
    municipality: Municipality | None = None
    status: Status
    issues: list[Issue] = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=Metadata)
    links: list[Link] = Field(default_factory=list)
    text: str = ""
    plans: list[Plan] = Field(default_factory=list)
    outline: list[Node] = Field(default_factory=list)


def walk(nodes: list[Node]) -> list[Node]:
    """Every node of a tree, depth first, in reading order."""
    out: list[Node] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out

