"""Measures: the concrete actions a plan commits to, each under its outline section.

`sections.py` walks the outline and resolves them once per document; `tables.py` reads table
rows (with departments and KPI targets), `prose.py` finds action phrases on Sudachi tokens,
`targets.py` splits goals into parts; words and weights are in `rules/measures.json`.
"""

from extract.measures.prose import prose_measures
from extract.measures.record import Measure
from extract.measures.sections import outline_measures, section_measures

__all__ = ["Measure", "outline_measures", "prose_measures", "section_measures"]
