"""The regional model: Indonesian, Malay, Javanese, Sundanese and Tagalog told apart.

langdetect has no Malay, Javanese or Sundanese profile (it calls them ``id``, and some Javanese
and Sundanese ``tl``). Where it answers ``id`` or ``tl``, this model decides. It is a naive Bayes
classifier over lower-case words and their character 3- and 4-grams, trained by
``evals/langid/train.py`` on the dev halves of the shared real texts (Malaysian and Indonesian
news, Javanese and Sundanese paragraphs, Tagalog sentences) and shipped as ``regional.json``:
no download, same answer on every machine. evals/langid/README.md has the comparison with
fastText lid.176, py3langid and lingua that chose it, and the test-split scores.

Only words written in lower case count: capitalized words are names, places, outlets and
datelines ("KUALA LUMPUR 11 Okt. -", "- UTUSAN ONLINE"), which say where a text is from, not
which language it is in. A word's weights are computed once per process and cached; a batch's
new words are weighed all at once (their n-grams found as packed keys, ``_Grams``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

#: The shipped model (written by evals/langid/train.py).
MODEL_FILE = "regional.json"
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD_CACHE_MAX = 500_000


@dataclass(frozen=True, slots=True)
class Decision:
    """What the regional model says of a text."""

    language: str
    score: float  # its probability
    alternatives: tuple[str, ...]  # other classes with at least ``alternative_min``


class Regional:
    """Feature weights (log-probability per class, centred) and how to read their sums."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.classes: tuple[str, ...] = tuple(spec["classes"])
        self.ngrams: tuple[int, ...] = tuple(spec["ngrams"])
        self.temperature = float(spec["temperature"])
        self.alternative_min = float(spec["alternative_min"])
        self.min_words = int(spec["min_words"])
        # Log prior odds per class, added to the summed weights: text that could be either
        # (a short line) goes to the more common language.
        self.prior = np.array(spec["prior"], dtype=np.float64)
        scale = float(spec["scale"])
        features: dict[str, list[int]] = spec["features"]
        self._index = {f: i for i, f in enumerate(features)}
        flat = chain.from_iterable(features.values())  # np.array of a list of lists is slower
        weights = np.fromiter(flat, dtype=np.float32, count=len(features) * len(self.classes))
        self._weights = weights.reshape(len(features), len(self.classes)) * np.float32(scale)
        self._zero = np.zeros(len(self.classes), dtype=np.float32)
        self._words: dict[str, npt.NDArray[np.float32]] = {}  # ``word``'s cache
        # ``tokens``' cache: each word's row of ``_sums`` (row 0: no known feature, zeros).
        self._seen: dict[str, int] = {}
        self._sums = np.zeros((4096, len(self.classes)), dtype=np.float32)
        self._next_row = 1
        self._grams = _Grams([f for f in features if not f.startswith("w:")], self._index)

    def features(self, word: str) -> list[str]:
        """A lower-case word's features: the word, and its character n-grams with ``<``/``>``
        marking its start and end."""
        padded = f"<{word}>"
        found = [f"w:{word}"]
        for n in self.ngrams:
            found += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        return found

    def word(self, word: str) -> npt.NDArray[np.float32]:
        """Summed weights of a lower-case word's known features (cached)."""
        found = self._words.get(word)
        if found is None:
            rows = [i for i in map(self._index.get, self.features(word)) if i is not None]
            found = self._weights[rows].sum(axis=0) if rows else self._zero
            if len(self._words) >= _WORD_CACHE_MAX:
                self._words.clear()
            self._words[word] = found
        return found

    def token(self, token: str) -> tuple[npt.NDArray[np.float32], int]:
        """Weights of a whitespace-separated token and how many words they count: none when it
        holds a capital letter (a name, not the language) or no letters."""
        if token != token.lower():
            return self._zero, 0
        words = _LETTERS.findall(token)
        if not words:
            return self._zero, 0
        if len(words) == 1:
            return self.word(words[0]), 1
        return np.sum([self.word(w) for w in words], axis=0, dtype=np.float32), len(words)

    def tokens(self, tokens: Sequence[str]) -> tuple[npt.NDArray[np.float32], list[int]]:
        """``token`` of each of ``tokens``, the new words' weights summed all at once: rows of
        weights, and words counted."""
        # Lower-cased all at once (no token holds a line break: they were split on whitespace).
        lower = np.fromiter(
            map(str.__eq__, tokens, "\n".join(tokens).lower().split("\n")),
            dtype=bool,
            count=len(tokens),
        )
        alpha = np.fromiter(map(str.isalpha, tokens), dtype=bool, count=len(tokens))
        # A token of letters only is one word (``_LETTERS`` matches every letter): most are.
        single = np.flatnonzero(lower & alpha)
        other = np.flatnonzero(lower & ~alpha)
        everything = np.array(tokens, dtype=object)
        words: list[str] = everything[single].tolist()
        found: list[list[str]] = list(map(_LETTERS.findall, everything[other].tolist()))
        self._learn(words + list(chain.from_iterable(found)))
        seen = self._seen
        counts = np.zeros(len(tokens), dtype=np.intp)
        counts[single] = 1
        counts[other] = np.fromiter(map(len, found), dtype=np.intp, count=len(found))
        rows = np.zeros(len(tokens), dtype=np.intp)  # row 0: zeros (a token of no word)
        rows[single] = np.fromiter(map(seen.__getitem__, words), dtype=np.intp, count=len(words))
        one = [i for i, parts in enumerate(found) if len(parts) == 1]
        rows[other[one]] = [seen[found[i][0]] for i in one]
        weights = np.take(self._sums, rows, axis=0)
        several = np.flatnonzero(counts[other] > 1)
        if len(several):
            parts = [found[i] for i in several.tolist()]
            weights[other[several]] = self._summed_words(parts)
        return weights, counts.tolist()

    def _summed_words(self, tokens: list[list[str]]) -> npt.NDArray[np.float32]:
        """The summed weights of each token's (cached) words, as ``np.sum(..., axis=0)`` sums
        them."""
        sizes = np.fromiter(map(len, tokens), dtype=np.intp, count=len(tokens))
        words = chain.from_iterable(tokens)
        rows = np.fromiter(map(self._seen.__getitem__, words), dtype=np.intp, count=sum(sizes))
        return _summed_in_order(self._sums, rows, sizes)

    def _learn(self, words: list[str]) -> None:
        """Cache the summed weights of those of ``words`` not cached yet: ``word``'s sums, bit
        for bit (each word's rows added in the same order), for all of them at once."""
        if len(self._seen) + len(words) >= _WORD_CACHE_MAX:
            self._seen.clear()
            self._next_row = 1
        new = [w for w in dict.fromkeys(words) if w not in self._seen]
        if not new:
            return
        counts, flat = self._rows_of(new)
        has = counts.tolist()
        counted = [word for word, n in zip(new, has, strict=True) if n]
        self._seen.update((word, 0) for word, n in zip(new, has, strict=True) if not n)
        if not counted:
            return
        self._store(counted, _summed_in_order(self._weights, flat, counts[counts > 0]))

    def _store(self, words: list[str], sums: npt.NDArray[np.float32]) -> None:
        """Keep the summed weights of new ``words`` in the next rows of ``_sums``."""
        first = self._next_row
        end = self._next_row = first + len(words)
        if end > len(self._sums):
            grown = np.zeros((2 * end, self._sums.shape[1]), dtype=np.float32)
            grown[: len(self._sums)] = self._sums
            self._sums = grown
        self._sums[first:end] = sums
        self._seen.update(zip(words, range(first, end), strict=True))

    def _rows_of(self, words: list[str]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """The rows of each word's known ``features``, in their order (the word, then its
        n-grams, shortest first, left to right), one word's after another, and how many each
        word has: the n-grams of every word found at once (``_Grams``)."""
        get = self._index.get
        whole = np.array([get(f"w:{word}", -1) for word in words], dtype=np.intp)
        owner, order, rows = self._grams.find(words, self.ngrams)
        owner = np.concatenate([np.arange(len(words)), owner])
        order = np.concatenate([np.full(len(words), -1), order])
        rows = np.concatenate([whole, rows])
        keep = rows >= 0
        owner, order, rows = owner[keep], order[keep], rows[keep]
        ranked = np.lexsort((order, owner))  # by word, then in ``features``' order
        return np.bincount(owner, minlength=len(words)), rows[ranked]

    def decide(self, scores: npt.NDArray[np.float32], words: int) -> Decision | None:
        """The decision for a text whose tokens' weights sum to ``scores`` over ``words``
        words, or ``None`` when fewer than ``min_words`` words counted (too little to tell)."""
        return self.decide_many(scores[None, :], [words])[0]

    def decide_many(
        self, scores: npt.NDArray[np.float32], words: Sequence[int]
    ) -> list[Decision | None]:
        """``decide`` for each row of ``scores`` (a text's) and its ``words``, all at once: each
        row's numbers are those of the row alone (element by element, a row's five
        probabilities summed in order)."""
        logits = (scores.astype(np.float64) + self.prior) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        best = probabilities.argmax(axis=1).tolist()
        found: list[Decision | None] = []
        least, classes = self.alternative_min, self.classes
        for row, top, counted in zip(probabilities.tolist(), best, words, strict=True):
            if counted < self.min_words:
                found.append(None)
                continue
            close = sorted((-p, i) for i, p in enumerate(row) if i != top and p >= least)
            alternatives = tuple(classes[i] for _, i in close)
            found.append(Decision(classes[top], round(row[top], 4), alternatives))
        return found


def _summed_in_order(
    table: npt.NDArray[np.float32], rows: npt.NDArray[np.intp], counts: npt.NDArray[np.intp]
) -> npt.NDArray[np.float32]:
    """Rows of ``table`` summed in runs of ``counts`` (each >= 1), one run after another in
    ``rows``, each run's rows added one after another, as numpy sums down the columns of a
    C-ordered array (``np.sum(..., axis=0)``); runs of as many rows are added side by side."""
    sums = np.empty((len(counts), table.shape[1]), dtype=np.float32)
    starts = np.cumsum(counts) - counts
    for n in np.unique(counts).tolist():
        which = np.flatnonzero(counts == n)
        slabs = np.take(table, rows[starts[which] + np.arange(n)[:, None]], axis=0)
        total = slabs[0].copy()
        for i in range(1, n):
            total += slabs[i]
        sums[which] = total
    return sums


def load_spec(text: str) -> dict[str, Any]:
    """A model spec from its JSON text (see ``evals/langid/train.py`` for what it holds)."""
    spec: dict[str, Any] = json.loads(text)
    return spec


@cache
def model() -> Regional:
    """The shipped regional model (loaded once per process, ~0.2 s)."""
    text = resources.files("corpus.langid").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return Regional(load_spec(text))


class _Grams:
    """The model's character n-grams as int64 keys, for finding every word's n-grams at once:
    each character numbered in the n-grams' alphabet (from 1; 0 for a character in none of
    them), the numbers packed ``_BITS`` apart."""

    def __init__(self, grams: list[str], index: dict[str, int]) -> None:
        alphabet = sorted(set("".join(grams)))
        self._bits = max(len(alphabet).bit_length(), 1)
        if 4 * self._bits > 62 or (grams and max(map(len, grams)) > 4):
            raise ValueError("the regional model's n-grams: more than 4 characters or letters")
        top = max(map(ord, alphabet), default=0)
        self._number = np.zeros(top + 1, dtype=np.int64)
        self._number[[ord(ch) for ch in alphabet]] = np.arange(1, len(alphabet) + 1)
        number = {ch: n for n, ch in enumerate(alphabet, start=1)}  # as ``_number``, for str
        keys = np.array([self._key(gram, number) for gram in grams], dtype=np.int64)
        order = np.argsort(keys)
        self._keys = keys[order]
        self._rows = np.array([index[g] for g in grams], dtype=np.intp)[order]

    def _key(self, gram: str, number: Mapping[str, int]) -> int:
        key = 0
        for ch in gram:  # a dict, not the array: numpy's scalar indexing is several times slower
            key = (key << self._bits) | number[ch]
        return key

    def find(
        self, words: list[str], sizes: tuple[int, ...]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Every ``sizes``-character n-gram of each ``<word>``: the word it is in, its place
        in ``Regional.features``' order within the word, and its row (-1 when unknown)."""
        padded = "".join(f"<{word}>" for word in words)
        codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes = codes.astype(np.int64)
        inside = codes < len(self._number)
        numbers = np.where(inside, self._number[np.where(inside, codes, 0)], 0)
        lengths = np.fromiter(map(len, words), dtype=np.intp, count=len(words)) + 2
        starts = np.cumsum(lengths) - lengths
        owner = np.repeat(np.arange(len(words)), lengths)
        offset = np.arange(len(codes)) - starts[owner]  # place in its padded word
        found: list[tuple[npt.NDArray[np.intp], ...]] = []
        before = np.zeros(len(words), dtype=np.intp)  # n-grams of the sizes done, per word
        for n in sizes:
            at = np.flatnonzero(offset <= lengths[owner] - n)  # windows inside one word
            key = np.zeros(len(at), dtype=np.int64)
            whole = np.ones(len(at), dtype=bool)
            for k in range(n):
                number = numbers[at + k]
                whole &= number > 0
                key = (key << self._bits) | number
            rows = np.full(len(at), -1, dtype=np.intp)
            if len(self._keys):
                where = np.searchsorted(self._keys, key).clip(max=len(self._keys) - 1)
                hit = whole & (self._keys[where] == key)
                rows[hit] = self._rows[where[hit]]
            found.append((owner[at], before[owner[at]] + offset[at], rows))
            before += np.maximum(lengths - n + 1, 0)
        if not found:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, empty
        owners, places, rows = (np.concatenate(parts) for parts in zip(*found, strict=True))
        return owners, places, rows
