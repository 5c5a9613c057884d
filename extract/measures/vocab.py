"""The measures stage's closed vocabulary and weights, loaded once from `rules/measures.json`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extract.rules import load


@dataclass(frozen=True, slots=True)
class Vocab:
    actions: frozenset[str]
    light_verbs: frozenset[str]
    adverbial: dict[str, str]
    aims: tuple[str, ...]
    means: tuple[str, ...]
    measure_columns: tuple[str, ...]
    column_compounds: tuple[str, ...]
    name_columns: tuple[str, ...]
    label_columns: tuple[str, ...]
    responsible_columns: tuple[str, ...]
    target_columns: tuple[str, ...]
    goal_columns: tuple[str, ...]
    indicator_columns: tuple[str, ...]
    baseline_columns: tuple[str, ...]
    year_columns: tuple[str, ...]
    background: tuple[str, ...]
    action_topics: tuple[str, ...]
    governance_ends: tuple[str, ...]
    governance_starts: tuple[str, ...]
    commitments: tuple[str, ...]
    note_marks: tuple[str, ...]
    statement_predicates: frozenset[str]
    statement_nouns: tuple[str, ...]
    units: tuple[str, ...]
    weights: dict[str, float]
    target: re.Pattern[str]
    actor: re.Pattern[str]


@cache
def vocab() -> Vocab:
    raw = load("measures")
    return Vocab(
        actions=frozenset(raw["action_nouns"]),
        light_verbs=frozenset(raw["light_verbs"]),
        adverbial=dict(raw["nominalize_adverbial"]),
        aims=tuple(raw["aim_markers"]),
        means=tuple(raw["means_markers"]),
        measure_columns=tuple(raw["measure_columns"]),
        column_compounds=tuple(raw["column_compounds"]),
        name_columns=tuple(raw["name_columns"]),
        label_columns=tuple(raw["label_columns"]),
        responsible_columns=tuple(raw["responsible_columns"]),
        target_columns=tuple(raw["target_columns"]),
        goal_columns=tuple(raw["goal_columns"]),
        indicator_columns=tuple(raw["indicator_columns"]),
        baseline_columns=tuple(raw["baseline_columns"]),
        year_columns=tuple(raw["year_columns"]),
        background=tuple(raw["background_sections"]),
        action_topics=tuple(raw["action_topics"]),
        governance_ends=tuple(raw["no_measure_section_ends"]),
        governance_starts=tuple(raw["no_measure_section_starts"]),
        commitments=tuple(raw["commitment_endings"]),
        note_marks=tuple(raw["note_marks"]),
        statement_predicates=frozenset(raw["statement_predicates"]),
        statement_nouns=tuple(raw["statement_nouns"]),
        units=tuple(sorted(raw["target_units"].split("|"), key=len, reverse=True)),
        weights={k: float(v) for k, v in raw["weights"].items()},
        actor=re.compile(
            r"(?P<who>(?:各|当該)?[^\s、。「」()をにがはでの]{0,10}(?:"
            + "|".join(map(re.escape, raw["department_suffixes"]))
            + r"))(?:において|において、|が中心となって|が|は|により|で)"
        ),
        target=re.compile(
            r"(?P<target>[^、。をでにはが]{1,20}を[0-9.,]+(?:" + raw["target_units"] + r")"
            r"(?:\([^)]*\))?(?:以上|以下|程度)?(?:削減|増加|増|減|向上|縮減|達成|確保|引き上げ|引き下げ))"
        ),
    )


def confidence(evidence: list[str]) -> float:
    """The sum of the evidence weights, clamped to 0–1."""
    weights = vocab().weights
    return round(max(0.0, min(1.0, sum(weights.get(name, 0.0) for name in evidence))), 2)
