"""How a file's bytes become text: the configured codec, or one detected with charset-normalizer.

``encoding = "utf-8"`` (the default) reads UTF-8 and rejects what is not, with a message naming
the encoding the bytes look like; ``"auto"`` detects each file's encoding from its first MiB; any
other value is a Python codec name (``cp1252``, ``latin-1``, ``utf-16``) used as given.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable
from fnmatch import fnmatchcase

log = logging.getLogger(__name__)

UTF8 = "utf-8"
AUTO = "auto"
#: Bytes of a file that detection looks at.
SAMPLE_BYTES = 1 << 20
# Single-byte encodings are ambiguous on short samples: charset-normalizer may answer cp1250 or
# mac_latin2 for Indonesian text with a few accents. When one of these widespread encodings reads
# the bytes as the same text as the detector's answer, it is named instead.
_COMMON = ("utf_8", "cp1252", "latin_1")


def codec_name(name: str) -> str:
    """Python's canonical name of a codec (``"UTF8"`` -> ``"utf-8"``); LookupError if unknown."""
    return codecs.lookup(name).name


def encoding_for(relpath: str, default: str, per_file: dict[str, str]) -> str:
    """The encoding setting of one file: the first glob in ``per_file`` that matches, else the default."""
    for pattern, encoding in per_file.items():
        if fnmatchcase(relpath, pattern):
            return encoding
    return default


def detect(data: bytes) -> str | None:
    """The encoding ``data`` is most likely in (a Python codec name), or None if it is not text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    found = codec_name(best.encoding)
    if found == "ascii":
        return UTF8  # a superset, and what the rest of the file most likely is
    text = data.decode(found, "replace")
    for common in _COMMON:
        try:
            if data.decode(common) == text:
                return codec_name(common)
        except UnicodeDecodeError:
            continue
    return found


class Decoder:
    """Decodes one file's records: the setting's codec, or the detected one for ``auto``."""

    def __init__(self, setting: str, sample: Callable[[], bytes], found: str | None = None) -> None:
        """``found``: the codec an earlier reading of the file detected (none is detected)."""
        self._sample = sample
        self._looks_like: str | bool | None = False  # False: not computed yet
        self.setting = setting
        self.codec = UTF8
        if found is not None:
            self.codec = found
        elif setting == AUTO:
            found = detect(sample())
            self.codec = found or UTF8
            log.info("detected encoding %s", self.codec)
        else:
            self.codec = codec_name(setting)

    @property
    def utf8(self) -> bool:
        """Whether the file is read as UTF-8 (a leading BOM is then dropped)."""
        return self.codec == UTF8

    @property
    def wide(self) -> bool:
        """Whether the codec writes NUL bytes in plain text (UTF-16/32), so NULs do not mean binary."""
        return self.codec.startswith(("utf-16", "utf-32"))

    def text_codec(self, first: bool) -> str:
        """The codec for a piece of the file; the first one may start with a UTF-8 BOM."""
        return "utf-8-sig" if self.utf8 and first else self.codec

    def decode(self, data: bytes, first: bool = True) -> str:
        """``data`` as text; raises UnicodeDecodeError naming the first bad byte."""
        return data.decode(self.text_codec(first))

    def looks_like(self) -> str | None:
        """The encoding the file's bytes look like (detected once, on the first error)."""
        if self._looks_like is False:
            try:
                self._looks_like = detect(self._sample())
            except (OSError, ValueError, LookupError):  # the hint is a courtesy, never a failure
                self._looks_like = None
        return self._looks_like if isinstance(self._looks_like, str) else None

    def error(self, exc: UnicodeDecodeError, scope: str = "") -> str:
        """The reject message for bytes this codec cannot read, with how to read them."""
        bad = exc.object[exc.start : exc.start + 1].hex()
        where = f"at byte {exc.start}{scope}" + (f" (0x{bad})" if bad else "")
        message = f"invalid {_label(self.codec)} {where}: {exc.reason}"
        guess = self.looks_like()
        if guess and guess != self.codec:
            message += (
                f"; the file's bytes look like {guess}: rerun with --encoding {guess} "
                f'(or --encoding auto; in corpus.toml: encoding = "{guess}" under [ingest])'
            )
        elif self.setting != AUTO:
            message += "; if the file is in another encoding, rerun with --encoding NAME or auto"
        return message


def _label(codec: str) -> str:
    return "UTF-8" if codec == UTF8 else codec


__all__ = ["AUTO", "UTF8", "Decoder", "codec_name", "detect", "encoding_for"]
