"""What snapshot data may not do to a terminal, a file or a picture.

Ids, names and tags come from AWS, and from whoever set them: a service named
``\\x1b]0;evil\\x07`` retitles the terminal that prints it, and a name that arrived as the
JSON escape ``"\\ud800"`` is a lone surrogate, which no UTF-8 stream can write. Every writer
passes user data through here: control characters (C0, DEL, C1) and lone surrogates are
written as Python-style escapes (``\\x1b``, ``\\ud800``), visible and never interpreted.
"""

from __future__ import annotations

import re

# C0 but newline, DEL and C1, and the surrogate range: in a Python string a code point there
# is always a lone surrogate (a valid pair decodes to one astral character).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with control characters and lone surrogates escaped; newlines kept only with
    ``newlines`` (a report's own layout). Idempotent: escaping leaves nothing to escape."""
    pattern = _UNSAFE if newlines else _UNSAFE_OR_NEWLINE
    return pattern.sub(_escape, text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(text: str) -> str:
    """JSON written with ``ensure_ascii=False`` (names stay readable) made writable: a lone
    surrogate becomes the ``\\udXXX`` escape it came in as, and DEL and C1 (which some
    terminals obey) ``\\u00XX``. Both are JSON escapes, so a reader gets the same string back;
    json.dumps already escapes C0. Only valid where these code points can occur, inside
    strings: true of any json.dumps output."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def unicode_escapes(exc: UnicodeError) -> tuple[str, int]:
    """An encoding error handler (``codecs.register_error``) for a stream that is not UTF-8:
    what it cannot encode becomes ``\\uXXXX`` (astral characters as a surrogate pair), which
    reads back as the same string inside JSON and is legible in text. Python's
    ``backslashreplace`` writes ``\\U0001f600``, which is not JSON."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    escaped = []
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), exc.end
