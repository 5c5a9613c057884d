"""Plans a document defines, divides into, or names with a period.

Candidates (`candidates.py`: title, headings, quotations, names in the text) × time expressions,
each pair scored on named evidence (`evidence.py`, `sections.py`, weights in
`rules/plans.json`), resolved once per document (`resolve.py`).
"""

from extract.plans.resolve import FoundPlan, find_plans

__all__ = ["FoundPlan", "find_plans"]
