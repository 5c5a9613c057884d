"""One measure as the stage finds it, before it becomes a schema node."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.schema import Target


@dataclass(slots=True)
class Measure:
    title: str
    span: tuple[int, int]
    page: int | None
    label: str | None = None
    responsible: list[str] = field(default_factory=list)
    target: str | None = None  # the goal as printed
    targets: list[Target] = field(default_factory=list)  # the same goals, in parts
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def set_target(self, target: Target, how: str) -> None:
        """Link a goal to the measure; several goals (KPI rows) join the printed text."""
        if any(t.text == target.text for t in self.targets):
            return
        self.targets.append(target)
        self.target = " / ".join(t.text for t in self.targets)
        if how not in self.evidence:
            self.evidence.append(how)
