"""Sentences and tokens with SudachiPy.

One dictionary and tokenizer per process, made on first use. Sudachi refuses input over
49,149 bytes, so text is fed sentence by sentence, and a sentence longer than the limit is
cut at a safe character boundary. Offsets are code points into the text given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

# Sudachi's hard limit is 49,149 bytes; stay well below it (UTF-8 Japanese is 3 bytes a char).
MAX_CHUNK_BYTES = 40_000

# After 。！？ (not inside a closing quote), and at every line end: lines are separate blocks.
_SENTENCE_END = re.compile(r"(?<=[。！？!?])(?![」』)])|(?<=\n)")


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    start: int
    end: int
    pos: tuple[str, ...]  # part of speech, Sudachi's six levels
    normalized: str  # spelling-unified form: 取組/取組み/取り組み → 取り組み
    dictionary: str  # lemma

    @property
    def is_noun(self) -> bool:
        return self.pos[0] == "名詞" or (self.pos[0] == "接尾辞" and self.pos[1] == "名詞的")


@cache
def tokenizer() -> Any:
    """The process's Sudachi tokenizer (mode C: the longest units, best for phrases)."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of `text` (split after 。！？ and newlines, not before 」)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.start()
    if start < len(text):
        yield start, len(text)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of `text` under Sudachi's byte limit, with their offsets."""
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_CHUNK_BYTES // 4)
        yield start, text[start:end]
        start = end


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` with offsets into it."""
    tok = tokenizer()
    out: list[Token] = []
    for s, e in sentences(text):
        for offset, piece in _chunks(text[s:e]):
            base = s + offset
            out.extend([Token(m.surface(), base + m.begin(), base + m.end(),
                              tuple(m.part_of_speech()), m.normalized_form(),
                              m.dictionary_form()) for m in tok.tokenize(piece)])
    return out
