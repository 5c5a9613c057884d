"""Bytes to text for web pages and plain texts, with the encoding said and checked.

Order of evidence (WHATWG encoding sniffing, then detection):

1. a byte-order mark: it cannot be there by accident, so it beats any label;
2. the charset the server sent (`declared`, from the HTTP Content-Type);
3. the page's own `<meta charset>` / `http-equiv` / `<?xml encoding?>` label;
4. strict UTF-8, a legacy Japanese codec that yields Japanese, then charset-normalizer.

A label is believed only if the bytes decode under it without error, and a legacy label
(Shift_JIS, EUC-JP...) loses to bytes that are valid UTF-8 with non-ASCII characters: such
bytes are practically never a Japanese legacy encoding by chance, while servers and CMS
templates often keep a stale label. Either case is reported as `encoding_mismatch`.

Bytes that are not valid UTF-8 as a whole are judged line by line before any legacy codec is
tried on the whole: a line that is valid UTF-8 is UTF-8; a line whose UTF-8 reading loses only a
few of its characters is UTF-8 with damaged bytes (U+FFFD there, `replacement_characters`);
the other lines are read together in the legacy Japanese codec their bytes fit
(`mixed_encoding`). Only when no line is UTF-8 is the whole text a legacy encoding. So one
bad byte never turns a UTF-8 text into CP932 mojibake. A text whose decoding is mostly U+FFFD
gets `unreadable_text` (error), and readers fail it.
Shift_JIS is read as CP932 (its Windows superset with ①, ㈱, 髙) and EUC-JP falls back to
EUC-JIS-2004 for the NEC row-13 characters (①, ㈱) that plain EUC-JP lacks.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from extract.blocks import Problem

# How far into the bytes a <meta charset> may be: the HTML standard's prescan limit.
META_PRESCAN_BYTES = 1024 * 4
# charset-normalizer is slow on big inputs and a sample says enough about the encoding.
DETECT_SAMPLE_BYTES = 256 * 1024
# An error this close to the end is a character cut in half by truncation, not a wrong label.
TRUNCATED_CHAR_BYTES = 4

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels Python does not know, or maps to a narrower codec than browsers use.
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cp943c": "cp932",
    "x-euc-jp": "euc_jp",
    "eucjp-ms": "euc_jp",
    "cp51932": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp",
    "iso-2022-jp": "iso2022_jp",
    "csiso2022jp": "iso2022_jp",
    "x-user-defined": "cp1252",
    # Detection names the JIS X 0213 variants; the Windows codecs read real pages better
    # (髙 and ～ where EUC-JIS-2004 gives 郄 and 〜) and the family still falls back to them.
    "shift_jis_2004": "cp932",
    "shift_jisx0213": "cp932",
    "euc_jis_2004": "euc_jp",
    "euc_jisx0213": "euc_jp",
}

# Legacy Japanese bytes read as UTF-8 lose nearly every non-ASCII character (each two-byte
# character is one or two errors); a UTF-8 line with a damaged byte loses one or two among many.
# A line losing at most this share is damaged UTF-8.
UTF8_DAMAGE_SHARE = 0.2
# Above this share of U+FFFD among its non-space characters, decoded text is unreadable.
UNREADABLE_SHARE = 0.5
_REPLACEMENT = "\ufffd"

# Japanese prose is 40-60% kana; a wrong multibyte codec turns it into kanji and half-width
# katakana soup with almost none, so a tenth of the non-ASCII characters tells them apart.
JAPANESE_MIN_KANA = 0.1

# Codecs to try, in order, once a label names a family: the first that decodes cleanly wins.
_FAMILY = {
    "cp932": ("cp932", "shift_jis_2004"),
    "shift_jis": ("cp932", "shift_jis_2004"),
    "euc_jp": ("euc_jp", "euc_jis_2004"),
    "iso2022_jp": ("iso2022_jp", "iso2022_jp_2004", "iso2022_jp_ext"),
}

# Single-byte Western labels decode any bytes, so a wrong one is only caught by detection.
_ANY_BYTES = {"iso8859-1", "cp1252", "ascii"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the codec used, and what looked wrong on the way."""

    text: str
    encoding: str
    problems: tuple[Problem, ...] = field(default=())


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Return `data` as text, choosing the encoding from BOM, `declared`, meta, then detection.

    A text that came out mostly U+FFFD carries an `unreadable_text` error.
    """
    decoded = _decode(data, declared)
    share = replacement_share(decoded.text)
    if share > UNREADABLE_SHARE:
        problem = Problem("unreadable_text", f"{share:.0%} of the characters could not be "
                          f"decoded (read as {decoded.encoding})", "error")
        return Decoded(decoded.text, decoded.encoding, (*decoded.problems, problem))
    return decoded


def replacement_share(text: str) -> float:
    """Return the share of U+FFFD among the characters of `text` that are not white space."""
    replaced = text.count(_REPLACEMENT)
    if not replaced:
        return 0.0
    return replaced / max(1, len(text) - sum(text.count(c) for c in " \t\r\n\u3000"))


def _decode(data: bytes, declared: str | None) -> Decoded:
    """Return `data` as text (see `decode`), without the unreadable-text check."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(codec, errors="replace"), codec)
    problems: list[Problem] = []
    labels = [("server", declared), ("page", sniff_label(data))]
    for source, label in labels:
        if not label:
            continue
        named = codec_name(label)
        if named is None:
            problems.append(Problem("unknown_encoding", f"{source} names encoding {label!r}"))
            continue
        codec = named
        if codec == "utf-8" and _strict(data, codec) is None:
            # The label is right and some bytes are not, unless a Japanese codec reads them all.
            by_lines = _by_lines(data, problems)
            if by_lines is not None:
                return by_lines
            if _read_japanese(data) is None:
                text = data.decode(codec, errors="replace")
                problems.append(_replaced(text.count(_REPLACEMENT)
                                          - data.count(_REPLACEMENT.encode())))
                return Decoded(text, codec, tuple(problems))
        if codec != "utf-8" and _is_utf8_text(data):
            problems.append(_mismatch(source, label, "utf-8"))
            return Decoded(_decode_utf8(data), "utf-8", tuple(problems))
        if codec in _ANY_BYTES and not data.isascii():
            # Such a label is often a server default: bytes that read as Japanese win.
            decoded = _read_japanese(data)
            if decoded is not None:
                problems.append(_mismatch(source, label, decoded[1]))
                return Decoded(*decoded, tuple(problems))
        decoded = _decode_family(data, codec)
        if decoded is not None:
            return Decoded(*decoded, tuple(problems))
        problems.append(
            Problem("encoding_mismatch", f"{source} says {label!r} but the bytes do not decode")
        )
    return _undeclared(data, problems)


def sniff_label(data: bytes) -> str | None:
    """Return the encoding label a page declares in its first bytes, if any."""
    head = data[:META_PRESCAN_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").strip().lower() if match else None


def codec_name(label: str) -> str | None:
    """Return the Python codec for an encoding label, or None when it is unknown."""
    key = label.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def _undeclared(data: bytes, problems: list[Problem]) -> Decoded:
    """Decode bytes that no (usable) label describes: UTF-8 if valid, else a detected codec."""
    # ISO-2022-JP is 7-bit, so it would pass for UTF-8: its escape sequences give it away.
    text = None if b"\x1b$" in data else _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", tuple(problems))
    if b"\x1b$" not in data:
        by_lines = _by_lines(data, problems)
        if by_lines is not None:
            return by_lines
    decoded = _read_japanese(data)
    if decoded is not None:
        problems.append(Problem("encoding_guessed", f"encoding detected as {decoded[1]}", "info"))
        return Decoded(*decoded, tuple(problems))
    # Japanese pages that defeat detection are most often CP932.
    guess = _detect(data) or "cp932"
    decoded = _decode_family(data, guess)
    if decoded is not None:
        problems.append(Problem("encoding_guessed", f"encoding detected as {decoded[1]}", "info"))
        return Decoded(*decoded, tuple(problems))
    problems.append(Problem("decode_errors", f"bytes do not decode cleanly; read as {guess}"))
    return Decoded(data.decode(guess, errors="replace"), guess, tuple(problems))


def _by_lines(data: bytes, problems: list[Problem]) -> Decoded | None:
    """Return bytes that are not valid UTF-8 read line by line as the module docstring says.

    None when no line is UTF-8 (valid or damaged): the text is then a legacy encoding.
    """
    lines = data.splitlines(keepends=True)
    kinds = [_line_kind(line) for line in lines]
    if "utf-8" not in kinds and "damaged" not in kinds:
        return None
    legacy = [line for line, kind in zip(lines, kinds, strict=True) if kind == "legacy"]
    found = _read_japanese(b"".join(legacy)) if legacy else None
    codec = found[1] if found is not None else None
    parts = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "legacy" and codec is not None:
            parts.append(line.decode(codec, errors="replace"))
        else:
            parts.append(line.decode("utf-8", errors="replace"))
    text = "".join(parts)
    replaced = text.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode())
    if codec is not None:
        problems.append(Problem(
            "mixed_encoding", f"{len(legacy)} of {len(lines)} lines are {codec}, the rest UTF-8"))
    if replaced:
        problems.append(_replaced(replaced))
    # the encoding recorded is the one most of the characters are in
    counts = {"utf-8": 0, "legacy": 0}
    for part, kind in zip(parts, kinds, strict=True):
        counts["legacy" if kind == "legacy" and codec else "utf-8"] += len(part)
    return Decoded(text, codec if codec and counts["legacy"] > counts["utf-8"] else "utf-8",
                   tuple(problems))


def _replaced(count: int) -> Problem:
    """Return the problem counting the U+FFFD put where bytes were not UTF-8."""
    return Problem("replacement_characters", f"{count} U+FFFD where bytes are not UTF-8")


def _line_kind(line: bytes) -> str:
    """Return "ascii", "utf-8", "damaged" (UTF-8 losing a few characters) or "legacy"."""
    if line.isascii():
        return "ascii"
    text = line.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - line.count(_REPLACEMENT.encode())
    if bad == 0:
        return "utf-8"
    non_ascii = sum(1 for c in text if not c.isascii())
    return "damaged" if bad <= UTF8_DAMAGE_SHARE * non_ascii else "legacy"


def _read_japanese(data: bytes) -> tuple[str, str] | None:
    """Return (text, codec) for the legacy Japanese codec that reads the bytes as Japanese."""
    families = ("iso2022_jp",) if b"\x1b$" in data else ("euc_jp", "cp932")
    best: tuple[float, tuple[str, str]] | None = None
    for family in families:
        decoded = _decode_family(data, family)
        if decoded is None:
            continue
        share = _kana_share(decoded[0])
        if share >= JAPANESE_MIN_KANA and (best is None or share > best[0]):
            best = (share, decoded)
    return best[1] if best else None


def _kana_share(text: str) -> float:
    """Return the share of hiragana and katakana among the non-ASCII characters."""
    kana = other = 0
    for char in text:
        if char >= "\u3040" and char <= "\u30ff":
            kana += 1
        elif not char.isascii():
            other += 1
    return kana / (kana + other) if kana + other else 0.0


def _decode_family(data: bytes, codec: str) -> tuple[str, str] | None:
    """Return (text, codec used) from the first codec of `codec`'s family that fits, or None."""
    for name in _FAMILY.get(codec, (codec,)):
        text = _strict(data, name)
        if text is not None:
            return text, name
    return None


def _strict(data: bytes, codec: str) -> str | None:
    """Return `data` decoded without error (a final cut character aside), else None."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if error.end >= len(data) and error.start >= len(data) - TRUNCATED_CHAR_BYTES:
            return data[: error.start].decode(codec, errors="replace") + "\ufffd"
        return None
    except (LookupError, UnicodeError):
        return None


def _is_utf8_text(data: bytes) -> bool:
    """Return whether the bytes are valid UTF-8 with at least one non-ASCII character."""
    return not data.isascii() and _strict(data, "utf-8") is not None


def _decode_utf8(data: bytes) -> str:
    """Return valid UTF-8 bytes as text (a cut last character replaced)."""
    return _strict(data, "utf-8") or data.decode("utf-8", errors="replace")


def _detect(data: bytes) -> str | None:
    """Return charset-normalizer's best codec for the bytes, in our names."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:DETECT_SAMPLE_BYTES]).best()
    if best is None:
        return None
    return codec_name(str(best.encoding))


def _mismatch(source: str, label: str, actual: str) -> Problem:
    """Return the problem for a label that the bytes contradict."""
    return Problem("encoding_mismatch", f"{source} says {label!r} but the bytes are {actual}")
