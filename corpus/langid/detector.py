"""langdetect's own model and answers, computed fast and seeded.

``Model.probabilities`` is langdetect's algorithm (``Detector.get_probabilities``) over its
shipped profiles (as arrays, built once per machine and memory-mapped: ``profiles``),
re-implemented so it can be fast without changing answers: the same text
clean-up, the same n-grams in the same order (each whitespace-separated token's n-grams are
worked out once per process, with langdetect's ``NGram.normalize``, and cached; a batch's new
tokens all at once, as arrays: ``Model._see``), the same seeded
random stream (the words of ``random.Random(seed)``, read as ``gauss`` and ``choice`` read
them), the same seven trials with the same stopping rule; only the arithmetic of a trial is
vectorized (log space, numpy), and a batch of texts (``Model.analyse_many``) runs its trials side
by side in stages of a few blocks of draws (texts whose trial stopped leave), its random draws
read off the stream for every text at once, each text's numbers computed exactly as they would
be alone. Answers match plain seeded
langdetect: 100 % of the 2019 corpus, to the 4th decimal of the score (``benchmarks/langid.py``);
tests compare on arbitrary text too.

``Model.analyse`` adds what the stage needs from the same tokens: per-sentence languages (naive
Bayes over the same profiles, for mixed bodies) and the regional model's summed weights (each
token's weights cached beside its n-grams, so they cost a sum per text). A token's first sight
is most of a cold run's cost, so it is batched too; every sum in it is the per-token path's,
bit for bit (``summed_rows``, ``regional.Regional.tokens``; tests/test_langid_first_sight.py).
"""

from __future__ import annotations

import logging
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, chain
from operator import sub
from typing import Any

import numpy as np
import numpy.typing as npt
from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

from corpus.langid import profiles, regional, tokens

log = logging.getLogger(__name__)

#: Below this many letters langdetect guesses wildly; "unknown" (None) is the honest answer.
MIN_LETTERS = 20

# langdetect's constants (Detector and its defaults), restated so the algorithm reads whole.
_MAX_TEXT = 10_000  # Detector.max_text_length: langdetect reads only the first 10,000 chars
_TRIALS = 7
_ALPHA = 0.5
_ALPHA_WIDTH = 0.05
_BASE_FREQ = 10_000
_ITERATION_LIMIT = 1000
_CONV_THRESHOLD = 0.99999
_FAR = -11.0  # log probability ratio below which a language cannot stop a trial (``_converged``)
_PROB_THRESHOLD = 0.1
_CHECK_EVERY = 5
#: Blocks of 5 draws in a trial's first stage, then in each next one (see ``Model._trial``): on
#: 2019 news half the trials stop within 31 draws, 93 % within 51 (the stage sizes change no
#: result, only the time).
_FIRST_BLOCKS = 6
_NEXT_BLOCKS = 2
#: A batch of at most this many texts still drawing: stages grow (a straggler's or a lone text's).
_FEW = 32
_FEW_FIRST_BLOCKS = 12  # a batch of few texts starts with this many blocks
_TWO_PI = 2.0 * math.pi

#: Whitespace that langdetect's ``NGram.normalize`` maps to a space: splitting on it never
#: changes the n-grams, and lets each token's n-grams be cached.
_SEPARATORS = re.compile(r"[\t\n\v\f\r\x1c-\x1f \xa0\u2000-\u200a\u2028\u2029\u202f\u205f]+")
_VI_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # what normalize_vi rewrites
_LATIN = re.compile(r"[A-z]+")  # cleaning_text's ``'A' <= ch <= 'z'``, brackets included
#: Code points counted as written in another script than Latin: >= U+0300, but not Latin
#: Extended Additional (U+1E00-U+1EFF).
_NON_LATIN_LOW, _NON_LATIN_HIGH, _NON_LATIN_FROM = 0x300, 0x1DFF, 0x1F00
#: Sentence ends (and line breaks): the units whose language is told apart in a mixed body.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_SENTENCE_END_CHARS = frozenset(".!?\"'”’)")  # what a token ending a sentence ends with
_SENTENCE_END_CODES = np.array(sorted(map(ord, _SENTENCE_END_CHARS)))
#: What str.split() splits on and _SEPARATORS does not.
_NOT_SEPARATORS = ("\x85", "\u1680", "\u3000")
_SPACES = re.compile("  +")
_SEPARATORS_KEPT = re.compile(f"({_SEPARATORS.pattern})")
_TOKEN_CACHE_MAX = 300_000  # tokens; a news corpus reuses most of its words
_ALPHABET = 128  # characters of ``_Dense``'s table: 128**3 rows, 8 MB
_GATHER = 8192  # token slots whose rows ``_Pool.rows_of`` gathers at once
_LEARN_CHUNK = 16_000  # new tokens weighed at once (see Model._learn_new_tokens)
_MARGIN = 1.5  # nats a letter for a sentence to count as another language (_sentence_languages)
#: The machine's token cache (``tokens``): offered after 2**11, 2**12, ... texts (see
#: ``Model._offer``), it keeps the most read tokens, at most ``_KEEP_MAX`` (~360 bytes each on
#: disk, ~1 us each to load, against ~20 us to see one for the first time: worth keeping even
#: a token read once, ~1 in 5 of which the next 3,000 news articles read again).
_OFFER_FIRST = 2048
_KEEP_MAX = 120_000
_OFFER_NEW = 0.25  # written when the tokens read that it lacks are this share of it, or more


@dataclass(frozen=True, slots=True)
class Analysis:
    """What ``Model.analyse`` finds in a text."""

    ranked: list[tuple[str, float]]  # langdetect's get_probabilities: p > 0.1, best first
    letters: dict[str, int]  # letters per language, over sentences of >= MIN_LETTERS letters
    regional: npt.NDArray[np.float32]  # summed regional-model weights of the text's tokens
    regional_words: int  # words those weights count (see ``regional.Regional.token``)


class Model:
    """langdetect's profiles as a matrix, plus per-process caches of token n-grams.

    One per process and seed (``model``); its profile arrays are built once per machine and
    memory-mapped after that (``profiles.tables``).
    """

    def __init__(self, seed: int = 0) -> None:
        built = profiles.tables()  # cached per machine (see ``profiles``)
        self.languages: tuple[str, ...] = tuple(built.languages.tolist())
        # Rows count from 1 (row 0 is never used). Each n-gram packed into an int64 (``_pack``):
        # the keys sorted, for ``np.searchsorted``, and the row of each.
        self._keys: npt.NDArray[np.int64] = built.keys
        self._key_rows = built.key_rows
        # The same lookup as one array index for n-grams of the commonest characters (``_Dense``).
        self._dense = _Dense(built.keys, built.key_rows)
        # str.isupper and str.isalpha of each character of the Basic Multilingual Plane (grown
        # when a text holds one beyond it).
        self._is_upper = built.is_upper
        self._is_alpha = built.is_alpha
        self._probs: npt.NDArray[np.float64] = built.probs
        # Naive-Bayes weights for per-sentence scoring, with langdetect's mean smoothing.
        self._log_probs = built.log_probs
        self._uniform = np.full(len(self.languages), -math.log(len(self.languages)))
        self.seed = seed
        self._stream = _Stream(seed)
        # A token's slot indexes the pool's rows, ``_facts`` and ``_token_weights``; slot 0 is
        # unused (so a cached slot is never falsy).
        self._sightings = _Sightings()  # tokens new since ``_see`` last ran
        self._closed = _Cache(self._sightings, closed=True)  # tokens followed by whitespace
        self._open = _Cache(self._sightings, closed=False)  # a text's last token, nothing after
        self._pool = _Pool()  # profile rows of each token's n-grams, in order, end to end
        # The slot first seen with each shared key (``_shared_keys``): whose rows others share.
        self._by_key: dict[str, int] = {}
        self._normal = _Normalized()  # NGram.normalize, as a str.translate table
        # Tokens whose facts and weights are to do (``_learn_new_tokens``), in slot order from
        # slot ``_learned``.
        self._new: list[str] = []
        self._learned = 1
        # Per slot: letters (0 when langdetect knows none of its n-grams), ends a sentence,
        # words the regional model counts (grown on demand).
        self._facts = np.zeros((4096, 3), dtype=np.int64)
        # Row i holds the summed log-probabilities of the token in slot i (grown on demand).
        self._token_weights = np.zeros((4096, len(self.languages)), dtype=np.float32)
        # Row i holds the regional model's weights of the token in slot i (grown on demand).
        self._regional_model = regional.model()
        self._regional = np.zeros((4096, len(self._regional_model.classes)), dtype=np.float32)
        # Times each slot's token was read (``_count``), and texts read: for ``_offer``.
        self._hits = np.zeros(4096, dtype=np.int64)
        self._texts = 0
        self._offer_at = _OFFER_FIRST
        # The machine's token cache, if any: its tokens take the first slots, learned.
        self._stored = tokens.load()
        if self._stored is not None:
            self._install(self._stored)

    # ------------------------------------------------------------------ n-grams

    def _see(self) -> None:
        """Add to the pool the rows of the tokens first seen since the last call, all at once.

        A token's rows depend only on its padded form as ``NGram.normalize`` maps it, runs of
        spaces taken as one (``_shared_keys``): a new token with the key of a token seen before
        (``Jakarta,`` after ``Jakarta.``; ~40 % of new tokens in news) shares that token's rows
        (``_Pool.alias``), and only the others' are worked out (``_rows_of``)."""
        sightings = self._sightings
        padded, new = sightings.padded, sightings.tokens
        if not padded:
            return
        sightings.padded, sightings.tokens = [], []
        first = sightings.next_slot - len(padded)  # the new tokens' slots follow one another
        keys = _shared_keys(padded, self._normal)
        slots = np.arange(first, sightings.next_slot)
        claim = self._by_key.setdefault
        sources = np.fromiter(map(claim, keys, slots.tolist()), dtype=np.int64, count=len(keys))
        own = np.flatnonzero(sources == slots)
        if len(own):
            rows, counts = self._rows_of([keys[i] for i in own.tolist()])
            self._pool.add(slots[own], rows, counts)
        self._pool.alias(slots, sources)
        self._new += new

    def _rows_of(self, keys: list[str]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
        """The profile rows of the n-grams of each of ``keys`` (normalized, each opening with a
        space), one key's after another, and how many each has.

        langdetect's ``NGram.add_char`` + ``Detector._extract_ngrams`` over each key, as array
        operations over all of them: at each character c after p (and p2 before it), the 1-gram
        c (unless a space), the 2-gram p+c and, unless p is a space, the 3-gram p2+p+c; nothing
        at a space after a space, nor inside a CAPITAL WORD (c and p both upper case). Each
        n-gram's row is read from ``_Dense``'s table, or, holding a rarer character, its packed
        key (``_pack``) is looked up in the profile's sorted keys: the same rows, in the same
        order, as adding the characters one by one."""
        codes = _codes("".join(keys))
        lengths = np.fromiter(map(len, keys), dtype=np.intp, count=len(keys))
        starts = np.cumsum(lengths) - lengths
        c = codes
        p = np.concatenate(([_SPACE], codes[:-1]))
        upper = self._upper(codes)
        emit = ~((p == _SPACE) & (c == _SPACE)) & ~(upper & np.concatenate(([False], upper[:-1])))
        emit[starts] = False  # a token's leading space emits nothing (it ends no word)
        # Per character, its 1-, 2- and 3-gram (row-major: character by character, 1-2-3).
        wanted = np.stack([emit & (c != _SPACE), emit, emit & (p != _SPACE)], axis=1)
        rows, outside = self._dense.rows(codes, wanted)
        if outside.any():  # n-grams of rarer characters: the sorted keys
            p2 = np.concatenate(([_SPACE, _SPACE], codes[:-2]))[: len(codes)]
            packed = np.stack([_pack(-1, -1, c), _pack(-1, p, c), _pack(p2, p, c)], axis=1)
            packed = packed[outside]
            at = np.searchsorted(self._keys, packed).clip(max=len(self._keys) - 1)
            rows[outside] = np.where(self._keys[at] == packed, self._key_rows[at], 0)
        known = rows > 0
        counts: npt.NDArray[np.intp] = np.add.reduceat(known.sum(axis=1), starts)
        return rows[known], counts

    def _letters(self, tokens: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Letters (``str.isalpha``) in each of ``tokens`` (none is empty), and whether each ends
        a sentence (``_ends_sentence``, tried only on those ending on a character it ends on)."""
        codes = _codes("".join(tokens))
        if int(codes.max(initial=0)) >= len(self._is_alpha):
            self._is_alpha = _grown(self._is_alpha, codes, str.isalpha)
        lengths = np.fromiter(map(len, tokens), dtype=np.intp, count=len(tokens))
        ends = np.cumsum(lengths)
        found: npt.NDArray[np.int64] = np.add.reduceat(
            self._is_alpha[codes].astype(np.int64), ends - lengths
        )
        ending = np.zeros(len(tokens), dtype=bool)
        maybe = np.flatnonzero(np.isin(codes[ends - 1], _SENTENCE_END_CODES)).tolist()
        ending[maybe] = [_ends_sentence(tokens[i]) for i in maybe]
        return found, ending

    def _upper(self, codes: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """``str.isupper`` of each (normalized) character."""
        if int(codes.max(initial=0)) >= len(self._is_upper):
            self._is_upper = _grown(self._is_upper, codes, str.isupper)
        return self._is_upper[codes]

    def _learn_new_tokens(self) -> None:
        """Fill the facts and naive-Bayes rows of the tokens made since the last call (only the
        per-sentence pass needs them, so ``probabilities`` never waits for them)."""
        tokens, self._new = self._new, []
        if not tokens:
            return
        first = self._learned
        end = self._learned = first + len(tokens)
        if end > self._token_weights.shape[0]:
            grown = np.zeros((2 * end, len(self.languages)), dtype=np.float32)
            grown[: self._token_weights.shape[0]] = self._token_weights
            self._token_weights = grown
            facts = np.zeros((2 * end, 3), dtype=np.int64)
            facts[: self._facts.shape[0]] = self._facts
            self._facts = facts
            grown = np.zeros((2 * end, self._regional.shape[1]), dtype=np.float32)
            grown[: self._regional.shape[0]] = self._regional
            self._regional = grown
        slots = np.arange(first, end)
        self._regional[slots], words = self._regional_model.tokens(tokens)
        known = self._pool.sizes[slots] > 0  # tokens with an n-gram langdetect knows
        letters, ending = self._letters(tokens)
        self._facts[slots] = np.column_stack([letters * known, ending, words])
        self._token_weights[slots] = 0.0  # slots are reused after the cache is cleared
        source = self._pool.source[slots]
        own = source == slots
        full = slots[known & own]
        # A chunk at a time: after a long run of ``probabilities`` alone, up to the whole cache
        # may be new, and its n-grams' rows would not fit in memory at once.
        for at in range(0, len(full), _LEARN_CHUNK):
            chunk = full[at : at + _LEARN_CHUNK]
            rows, lengths = self._pool.rows_of(chunk)
            self._token_weights[chunk] = summed_rows(self._log_probs, rows, lengths)
        # the same rows, the same sum: copied from the token whose rows they share
        self._token_weights[slots[~own]] = np.take(self._token_weights, source[~own], axis=0)

    def _bound_cache(self) -> None:
        """Empty the token caches when they are full: bounded memory (the machine's token
        cache, if any, is installed again). Called before a batch of texts, never inside one,
        so the slots a batch holds stay valid."""
        if self._sightings.next_slot >= _TOKEN_CACHE_MAX:
            self._closed.clear()
            self._open.clear()
            self._sightings = _Sightings()
            self._closed.sightings = self._open.sightings = self._sightings
            self._pool.clear()
            self._by_key.clear()
            self._new = []
            self._learned = 1
            self._hits[:] = 0
            if self._stored is not None:
                self._install(self._stored)

    # ------------------------------------------------------------------ the machine's cache

    def _install(self, stored: tokens.Tokens) -> None:
        """Take the machine's cached tokens into the first slots (the caches are empty), with
        their rows, facts and weights: the numbers first sight would compute for them."""
        count = len(stored.words)
        end = count + 1
        self._closed.update(
            zip(stored.words[: stored.closed], range(1, stored.closed + 1), strict=True)
        )
        self._open.update(
            zip(stored.words[stored.closed :], range(stored.closed + 1, end), strict=True)
        )
        self._sightings.next_slot = self._learned = end
        self._pool.add(np.arange(1, end), stored.rows, stored.sizes)
        # the first slot of each key (the caches are empty: built backwards, the first wins)
        self._by_key.update(zip(reversed(stored.keys), range(count, 0, -1), strict=True))
        owners = map(self._by_key.__getitem__, stored.keys)
        self._pool.source[1:end] = np.fromiter(owners, dtype=np.int64, count=count)
        if end > len(self._facts):  # room for as many new tokens again before growing
            self._facts = np.zeros((2 * end, 3), dtype=np.int64)
            self._token_weights = np.zeros((2 * end, len(self.languages)), dtype=np.float32)
            self._regional = np.zeros((2 * end, self._regional.shape[1]), dtype=np.float32)
            self._hits = np.zeros(2 * end, dtype=np.int64)
        self._facts[1:end] = stored.facts
        self._token_weights[1:end] = stored.weights
        self._regional[1:end] = stored.regional

    def _count(self, slots: npt.NDArray[np.intp]) -> None:
        """Count a batch's token slots as read (``_offer`` keeps the tokens read often)."""
        top = self._sightings.next_slot
        if top > len(self._hits):
            self._hits = np.concatenate([self._hits, np.zeros(top, dtype=np.int64)])
        self._hits[:top] += np.bincount(slots, minlength=top)

    def _offer(self) -> None:
        """Save the tokens of the machine's token cache and those this process read, the most
        read first (at most ``_KEEP_MAX``: the cache's tokens unread here go first), when the
        cache is not full and the ones read here that it lacks are ``_OFFER_NEW`` of it or
        more. Checked after 2**11, 2**12, ... texts: a run writes a few times at most, and a
        cache of other text takes in the text in hand until it is full."""
        while self._offer_at <= self._texts:
            self._offer_at *= 2
        if not tokens.enabled():
            return
        self._learn_new_tokens()
        words = [*self._closed, *self._open]
        slots = np.fromiter(
            chain(self._closed.values(), self._open.values()), dtype=np.intp, count=len(words)
        )
        hits = self._hits[slots]
        stored = len(self._stored.words) if self._stored is not None else 0
        fresh = int(np.count_nonzero(hits[slots > stored]))
        on_disk = tokens.stored()[0]
        # A full cache stays: text with more distinct tokens than it holds would rewrite it at
        # every offer (measured: ~0.3 s a write, most of what a cache of other text saves).
        if fresh == 0 or on_disk >= _KEEP_MAX or fresh < _OFFER_NEW * on_disk:
            return
        kept = np.flatnonzero((hits > 0) | (slots <= stored))
        if len(kept) > _KEEP_MAX:  # the most read, in their order
            kept = np.sort(kept[np.argsort(-hits[kept], kind="stable")[:_KEEP_MAX]])
        slots = slots[kept]
        rows, sizes = self._pool.rows_of(slots)
        key_of = dict(zip(self._by_key.values(), self._by_key, strict=True))
        snapshot = tokens.Tokens(
            words=[words[i] for i in kept.tolist()],
            keys=list(map(key_of.__getitem__, self._pool.source[slots].tolist())),
            closed=int(np.count_nonzero(kept < len(self._closed))),
            rows=rows,
            sizes=sizes,
            facts=self._facts[slots],
            weights=self._token_weights[slots],
            regional=self._regional[slots],
        )
        tokens.save(snapshot)

    def _tokens_of(self, text: str) -> tuple[list[int], list[int]]:
        """Slots of the tokens of a prepared text (the last one open unless whitespace ends the
        text), and the index of each token that follows a line break (in order, repeats and
        0 or the token count too: every caller reads only those in between)."""
        breaks: list[int] = []
        if not any(ch in text for ch in _NOT_SEPARATORS):
            # str.split() then splits where _SEPARATORS does, and is much faster.
            lines = text.split("\n")
            if len(lines) == 1:
                words = text.split()
            else:
                # Each line's words, in C (a Python loop over lines cost ~10 us an article).
                found = list(map(str.split, lines))
                words = list(chain.from_iterable(found))
                breaks = list(accumulate(map(len, found)))
            closed = text[-1:].isspace()
        else:
            parts = _SEPARATORS_KEPT.split(text)  # token, separator, token, ..., token
            words = parts[0::2]
            breaks = [i for i, sep in enumerate(parts[1::2], start=1) if "\n" in sep]
            if not words[0]:  # text starting with whitespace
                del words[0]
                breaks = [i - 1 for i in breaks if i > 1]
            closed = not words or not words[-1]
            if closed and words:
                del words[-1]
        if not words:
            return [], []
        slots = list(map(self._closed.__getitem__, words[:-1]))  # new ones made in _Cache
        slots.append(self._closed[words[-1]] if closed else self._open[words[-1]])
        return slots, breaks

    def _sentences(
        self, tokens: list[int], breaks: list[int]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Slots of ``tokens`` as an array, index of the first token of each sentence (after
        .!? or a line break), and the tokens' facts (see ``Model.__init__``)."""
        self._learn_new_tokens()
        slots = np.array(tokens, dtype=np.intp)
        facts = np.take(self._facts, slots, axis=0)
        ends = facts[:-1, 1].astype(bool)  # after the last token, no sentence starts
        ends[[i - 1 for i in breaks if 0 < i < len(tokens)]] = True
        starts = np.concatenate(([0], np.flatnonzero(ends) + 1))
        return slots, starts, facts

    # ------------------------------------------------------------------ langdetect

    def analyse(self, text: str) -> Analysis:
        """langdetect's probabilities for ``text``, letters per language over its sentences of
        at least ``MIN_LETTERS`` letters (see ``_sentence_languages``), and the regional
        model's summed weights."""
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        """``analyse`` of each text, their langdetect trials run side by side (see
        ``_probabilities_many``)."""
        self._bound_cache()
        parsed = [self._tokens_of(_prepare(text)) for text in texts]
        self._see()
        counts = [len(tokens) for tokens, _ in parsed]
        slots = np.fromiter(
            chain.from_iterable(tokens for tokens, _ in parsed), dtype=np.intp, count=sum(counts)
        )
        self._count(slots)
        ranked = self._probabilities_many(slots, counts)
        found = self._analyses(parsed, slots, counts, ranked)
        self._texts += len(texts)
        if self._texts >= self._offer_at:
            self._offer()
        return found

    def _analyses(
        self,
        parsed: list[tuple[list[int], list[int]]],
        slots: npt.NDArray[np.intp],
        counts: list[int],
        ranked: list[list[tuple[str, float]]],
    ) -> list[Analysis]:
        """The rest of ``analyse`` for a batch (its texts' tokens and breaks, all their slots
        end to end, how many each text has, and langdetect's answers): every text's sentences
        scored at once (``_sentence_languages``), the same numbers as text by text."""
        self._learn_new_tokens()
        ends = np.cumsum(counts)
        starts = ends - counts  # each text's first token
        facts = np.take(self._facts, slots, axis=0)
        # A sentence begins at a text's first token, after a token ending one, after a break.
        begins = np.zeros(len(slots) + 1, dtype=bool)
        begins[1:] = facts[:, 1]
        begins[starts] = True
        begins[_after_breaks(parsed, starts)] = True
        sentences = np.flatnonzero(begins[:-1])
        owner = np.repeat(np.arange(len(parsed)), counts)[sentences]  # each sentence's text
        homes = np.array([self.languages.index(r[0][0]) if r else 0 for r in ranked])
        labels, letters = self._sentence_languages(
            slots, sentences, facts[:, 0], homes[owner], least=MIN_LETTERS
        )
        counted = letters >= MIN_LETTERS  # only these count: the others are not scored
        per_text = np.bincount(
            owner[counted] * len(self.languages) + labels[counted],
            weights=letters[counted],
            minlength=len(parsed) * len(self.languages),
        ).reshape(len(parsed), len(self.languages))
        words = np.concatenate(([0], np.cumsum(facts[:, 2])))
        regional_rows = np.take(self._regional, slots, axis=0)
        found: list[Analysis] = []
        for i, (at, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            if at == end:
                found.append(Analysis(ranked[i], {}, self._regional[0], 0))
                continue
            # Summed as np.add.reduce sums one text's rows (reduceat would add in another order).
            weights = np.add.reduce(regional_rows[at:end], axis=0)
            in_text: dict[str, int] = {}
            if ranked[i]:
                row = per_text[i]
                in_text = {self.languages[k]: int(row[k]) for k in np.flatnonzero(row).tolist()}
            found.append(Analysis(ranked[i], in_text, weights, int(words[end] - words[at])))
        return found

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """langdetect's ``get_probabilities`` for ``text`` (see ``analyse``)."""
        self._bound_cache()
        slots = np.array(self._tokens_of(_prepare(text))[0], dtype=np.intp)
        self._see()
        self._count(slots)
        return self._probabilities_many(slots, [len(slots)])[0]

    def _probabilities_many(
        self, slots: npt.NDArray[np.intp], counts: list[int]
    ) -> list[list[tuple[str, float]]]:
        """langdetect's ``get_probabilities`` of each text (its ``counts`` token slots, one text
        after another in ``slots``).

        The texts' trials run side by side, in stages of a few blocks of draws (``_trial``), so
        numpy's cost per call is shared and few draws are worked out past a trial's stopping
        point. Each text still reads its own random stream in its own order (``_Stream``), and
        every number is computed as it would be for the text alone."""
        found: list[list[tuple[str, float]]] = [[] for _ in counts]
        # The batch's n-grams numbered end to end, token after token, text after text.
        ends = np.cumsum(self._pool.sizes[slots])  # after each token
        bounds = np.concatenate(([0], ends))[np.cumsum([0, *counts])]  # before each text
        live = np.flatnonzero(np.diff(bounds)).tolist()
        if not live:
            return found
        sizes = np.diff(bounds)[live]
        text = _Texts(
            rows=self._pool.rows_of(slots)[0],
            offsets=bounds[live],
            sizes=sizes.astype(np.uint64),
            shifts=np.array([32 - n.bit_length() for n in sizes.tolist()], dtype=np.uint64),
        )
        at = np.zeros(len(live), dtype=np.int64)  # each text's next word of the stream
        total = np.zeros((len(live), len(self.languages)))
        spare: list[float] = []
        for trial in range(_TRIALS):
            # Random.gauss makes two values from four words and keeps the second for the next
            # call: trials 0, 2, 4, 6 read the stream, the others take what was kept.
            if trial % 2 == 0:
                gauss, spare = self._stream.gauss_pairs(at)
                at += 4
            else:
                gauss = spare
            weights = np.array([(_ALPHA + z * _ALPHA_WIDTH) / _BASE_FREQ for z in gauss])
            total += self._trial(text, at, weights) / _TRIALS
        for i, ranked in zip(live, _ranked(total, self.languages), strict=True):
            found[i] = ranked
        return found

    def _trial(
        self, text: _Texts, at: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """One of langdetect's trials for every text: multiply in the profile rows of randomly
        chosen n-grams until the best language passes 0.99999 (checked after draws 0, 5, 10,
        ...) or 1,000 draws; the normalized probabilities where it stopped. ``at`` (each text's
        next word of the stream) is moved past the words the trial consumed.

        Logs summed in the order langdetect multiplies: draw 0 onto the uniform prior, then
        blocks of 5 draws, each block's sum onto the running total. Stages of a few blocks go
        side by side; texts that stopped leave, the rest go on (the stage size changes no sum,
        only the time)."""
        width = len(self.languages)
        found = np.empty((len(at), width))
        going = np.arange(len(at))  # texts still drawing
        log_prob = np.empty((0, width))
        done = 0  # draws so far
        # A few texts (``detect``'s one) pay numpy's cost per stage more than wasted draws:
        # bigger first stages, grown gently (measured: one text at a time, ~1.4x faster).
        few = len(at) <= _FEW
        blocks, grow = (_FEW_FIRST_BLOCKS, 2) if few else (_FIRST_BLOCKS, 4)
        while going.size:
            first = done == 0
            count = 1 + _CHECK_EVERY * blocks if first else _CHECK_EVERY * blocks
            count = min(count, _ITERATION_LIMIT + 1 - done)
            chosen, where = self._stream.choices(
                at[going], text.sizes[going], text.shifts[going], count
            )
            # Laid out draw-major, (draws, texts, languages), so each step below works on
            # whole contiguous (texts, languages) slabs.
            # np.take: the same rows as indexing, ~1.6x faster
            steps = np.take(
                self._probs, text.rows[(text.offsets[going][:, None] + chosen).T], axis=0
            )
            steps += weights[going][:, None]
            n = going.size
            # A block's 5 factors multiplied, as langdetect does, then one log: the product
            # stays far from underflow (each factor > 2e-5), and a log costs ~10 products.
            if first:
                checks = np.empty((1 + blocks, n, width))
                np.log(steps[0], out=checks[0])
                checks[0] += self._uniform
                np.multiply.reduce(
                    steps[1:].reshape(blocks, _CHECK_EVERY, n, width), axis=1, out=checks[1:]
                )
                np.log(checks[1:], out=checks[1:])
            else:
                checks = np.multiply.reduce(steps.reshape(-1, _CHECK_EVERY, n, width), axis=1)
                np.log(checks, out=checks)
                checks[0] += log_prob
            for i in range(1, len(checks)):  # the log-probabilities at each check
                np.add(checks[i - 1], checks[i], out=checks[i])
            shifted = checks - np.maximum.reduce(checks, axis=2, keepdims=True)
            converged = _converged(shifted)
            done += count
            stop = np.asarray(converged.any(axis=0))
            check = converged.argmax(axis=0)  # each text's first converged check
            if done > _ITERATION_LIMIT:  # every text stops, at its last check if none passed
                check[~stop] = len(checks) - 1
                stop[:] = True
            j = np.flatnonzero(stop)
            k = check[j]
            found[going[j]] = _normalized(shifted[k, j])
            used = _CHECK_EVERY * k + (1 if first else _CHECK_EVERY)  # draws up to the check
            at[going[j]] = where[j, used - 1] + 1
            rest = np.flatnonzero(~stop)
            at[going[rest]] = where[rest, -1] + 1
            log_prob = checks[-1, rest]
            going = going[rest]
            # Most trials stop within a few blocks; the last few texts take bigger stages.
            blocks = _NEXT_BLOCKS if going.size > _FEW else min(grow * blocks, 200)
        return found

    # ------------------------------------------------------------------ sentences

    def _sentence_languages(
        self,
        slots: npt.NDArray[np.intp],
        starts: npt.NDArray[np.intp],
        letters: npt.NDArray[np.int64],
        home: npt.NDArray[np.intp] | int,
        least: int = 0,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Per sentence (tokens ``slots`` cut at ``starts``): its language (an index into
        ``languages``) and its letters; sentences of fewer than ``least`` letters are not
        scored (their language is given as ``home``: a caller that counts only longer ones).

        Naive Bayes over the same profiles, but a sentence leaves its text's language ``home``
        (one for all, or one per sentence) only on clear evidence, ``_MARGIN`` nats a letter:
        real English in Indonesian text scores 2.4-3.3, while names, scores and fixture lists
        score 0-1.2 for whichever Latin-script language fits them best."""
        per_sentence: npt.NDArray[np.int64] = np.add.reduceat(letters, starts)
        homes = np.broadcast_to(home, per_sentence.shape)
        labels: npt.NDArray[np.intp] = homes.astype(np.intp)
        which = np.flatnonzero(per_sentence >= least)
        if not len(which):
            return labels, per_sentence
        lengths = np.diff(starts, append=len(slots))[which]
        # reduceat's sums (summed_rows), faster than reduceat itself over a whole batch
        scores = summed_rows(self._token_weights, slots, lengths, starts[which])
        every = np.arange(len(scores))
        best = scores.argmax(axis=1)
        margin = (scores[every, best] - scores[every, homes[which]]) / np.maximum(
            per_sentence[which], 1
        )
        labels[which] = np.where(margin >= _MARGIN, best, homes[which])
        return labels, per_sentence

    def sentences_in(self, text: str, language: str, base: str) -> str:
        """The sentences of ``text`` in ``language`` (see ``_sentence_languages``)."""
        self._bound_cache()
        prepared = _prepare(text)
        tokens, breaks = self._tokens_of(prepared)
        self._see()
        if not tokens:
            return ""
        slots, starts, facts = self._sentences(tokens, breaks)
        home = self.languages.index(base)
        labels = self._sentence_languages(slots, starts, facts[:, 0], home)[0].tolist()
        wanted = self.languages.index(language)
        words = [w for w in _SEPARATORS.split(prepared) if w]
        bounds = [*starts.tolist(), len(tokens)]
        return "\n".join(
            " ".join(words[bounds[i] : bounds[i + 1]])
            for i, label in enumerate(labels)
            if label == wanted
        )


def _ranked(
    total: npt.NDArray[np.float64], names: tuple[str, ...]
) -> list[list[tuple[str, float]]]:
    """Per row of probabilities ``total``: its languages (``names``) above langdetect's
    threshold, best first (ties in language order, as langdetect's stable sort leaves them)."""
    found: list[list[tuple[str, float]]] = [[] for _ in range(len(total))]
    # np.nonzero goes row by row, each row's languages in order: one pass for the whole batch
    texts, languages = np.nonzero(total > _PROB_THRESHOLD)
    for i, lang, p in zip(
        texts.tolist(), languages.tolist(), total[texts, languages].tolist(), strict=True
    ):
        found[i].append((names[lang], p))
    for ranked in found:
        if len(ranked) > 1:
            ranked.sort(key=_minus_probability)
    return found


def _minus_probability(ranked: tuple[str, float]) -> float:
    """The sort key of a (language, probability): best first."""
    return -ranked[1]


def _after_breaks(
    parsed: list[tuple[list[int], list[int]]], starts: npt.NDArray[Any]
) -> npt.NDArray[np.intp]:
    """Where, in a batch's tokens end to end (each text's from ``starts``), a token follows a
    line break inside its text (``Model._tokens_of``'s breaks, but 0 and the token count)."""
    breaks = np.fromiter(chain.from_iterable(found for _, found in parsed), dtype=np.intp)
    owner = np.repeat(np.arange(len(parsed)), [len(found) for _, found in parsed])
    sizes = np.array([len(tokens) for tokens, _ in parsed], dtype=np.intp)
    inside = (breaks > 0) & (breaks < sizes[owner])
    found: npt.NDArray[np.intp] = (starts[owner] + breaks)[inside]
    return found


class _Normalized(dict[int, str]):
    """``str.translate`` table of langdetect's ``NGram.normalize``, filled as characters come."""

    def __missing__(self, code: int) -> str:
        normal: str = NGram.normalize(chr(code))
        self[code] = normal
        return normal


class _Sightings:
    """Tokens seen for the first time since ``Model._see`` last ran, and the next free slot
    (new tokens take the next slots, one after another; slot 0 is never used)."""

    def __init__(self) -> None:
        self.next_slot = 1
        self.padded: list[str] = []  # each as langdetect reads it: see ``Model._see``
        self.tokens: list[str] = []


class _Cache(dict[str, int]):
    """Slots of tokens (followed by whitespace when ``closed``); a new token takes the next
    slot and waits in ``sightings`` for ``Model._see``."""

    def __init__(self, sightings: _Sightings, *, closed: bool) -> None:
        super().__init__()
        self.sightings = sightings
        self._after = " " if closed else ""

    def __missing__(self, token: str) -> int:
        sightings = self.sightings
        slot = self[token] = sightings.next_slot
        sightings.next_slot = slot + 1
        sightings.padded.append(f" {token}{self._after}")
        sightings.tokens.append(token)
        return slot


def _ends_sentence(token: str) -> bool:
    """Whether a token ends a sentence (see ``_SENTENCE_END``)."""
    return token[-1] in _SENTENCE_END_CHARS and _SENTENCE_END.search(token) is not None


class _Stream:
    """The 32-bit words ``random.Random(seed)`` produces, computed once per process.

    langdetect reseeds its generator for every text, so every text consumes the same words;
    only how many, and how they are read (``gauss``, ``choice``), differ."""

    def __init__(self, seed: int) -> None:
        self._generator = random.Random(seed)
        self.words = np.zeros(0, dtype=np.uint64)
        self.extend(1 << 14)

    def extend(self, n: int) -> None:
        """Make at least ``n`` words available (the stream is continued, never restarted)."""
        missing = n - len(self.words)
        if missing > 0:
            missing = max(missing, len(self.words))  # doubling: few concatenations
            raw = self._generator.getrandbits(32 * missing).to_bytes(4 * missing, "little")
            more = np.frombuffer(raw, dtype="<u4").astype(np.uint64)
            self.words = np.concatenate([self.words, more])

    def gauss_pairs(self, at: npt.NDArray[np.int64]) -> tuple[list[float], list[float]]:
        """``Random.gauss(0.0, 1.0)`` read from the four words at each of ``at``: the value it
        returns and the one it keeps for its next call (CPython's code, with ``random()`` of
        two words: the top 27 bits of one and 26 of the next)."""
        self.extend(int(at.max()) + 4)
        first: list[float] = []
        second: list[float] = []
        for a, b, c, d in self.words[at[:, None] + np.arange(4)].tolist():
            x2pi = ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0) * _TWO_PI
            r = ((c >> 5) * 67108864.0 + (d >> 6)) * (1.0 / 9007199254740992.0)
            g2rad = math.sqrt(-2.0 * math.log(1.0 - r))
            first.append(math.cos(x2pi) * g2rad)
            second.append(math.sin(x2pi) * g2rad)
        return first, second

    def choices(
        self,
        at: npt.NDArray[np.int64],
        sizes: npt.NDArray[np.uint64],
        shifts: npt.NDArray[np.uint64],
        count: int,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """``count`` successive ``Random.choice(range(size))`` for each text, its words read
        from ``at``: the choices, and the position of the word that made each.

        CPython's ``choice`` takes the top k bits of a word (k = ``size.bit_length()``, so
        ``shift`` = 32 - k) and draws again while they are not below ``size``: more than half
        the words make a choice, so a window of twice ``count`` words (and a margin) almost
        always holds them; when not, a window twice as wide is read."""
        window = 2 * count + 48
        while True:
            self.extend(int(at.max()) + window)
            where = at[:, None] + np.arange(window)
            drawn = self.words[where] >> shifts[:, None]
            good = drawn < sizes[:, None]
            rank = np.cumsum(good, axis=1)
            if int(rank[:, -1].min()) >= count:
                break
            window *= 2
        rows, columns = np.nonzero(good & (rank <= count))  # row by row, in stream order
        shape = (len(at), count)
        chosen = drawn[rows, columns].astype(np.int64).reshape(shape)
        return chosen, where[rows, columns].reshape(shape)


class _Dense:
    """Profile rows of the n-grams of the ``_ALPHABET`` lowest code points in the profiles, as
    one flat table indexed by their characters' places (0 for no character): an array index
    per n-gram instead of a binary search over every key. N-grams holding another character
    are left to the sorted keys (``outside``)."""

    def __init__(self, keys: npt.NDArray[np.int64], key_rows: npt.NDArray[np.int32]) -> None:
        chars = ((keys[:, None] >> np.array([42, 21, 0])) & 0x1FFFFF) - 1  # -1: no character
        alphabet = np.unique(chars[chars >= 0])[: _ALPHABET - 1]
        self._place = np.zeros(0x10000, dtype=np.int32)  # 0: not in the alphabet
        self._place[alphabet[alphabet < 0xFFFF]] = np.arange(1, len(alphabet) + 1)[
            alphabet < 0xFFFF
        ]
        places = np.where(chars >= 0, self._place[chars.clip(0, 0xFFFF)], 0).astype(np.int64)
        inside = ((places > 0) | (chars < 0)).all(axis=1)
        flat = (places[:, 0] * _ALPHABET + places[:, 1]) * _ALPHABET + places[:, 2]
        self._rows = np.zeros(_ALPHABET**3, dtype=np.int32)
        self._rows[flat[inside]] = key_rows[inside]

    def rows(
        self, codes: npt.NDArray[np.int64], wanted: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
        """The row of the 1-, 2- and 3-gram ending at each character of ``codes`` (one row of
        three per character) where ``wanted``, else 0 (also when unknown); and where a wanted
        n-gram holds a character outside the alphabet (its row then still to find)."""
        c = self._place[np.minimum(codes, 0xFFFF)]  # U+FFFF and beyond: outside
        p = np.concatenate((self._place[[_SPACE]], c[:-1]))
        # cut to the characters' count: a batch's keys can be one space in all (a new token
        # of punctuation alone, every other token of the batch cached)
        p2 = np.concatenate((self._place[[_SPACE, _SPACE]], c[:-2]))[: len(c)]
        pc = p * _ALPHABET + c
        flat = np.stack([c, pc, p2 * (_ALPHABET * _ALPHABET) + pc], axis=1)
        ok = c > 0
        okp = ok & (p > 0)
        inside = np.stack([ok, okp, okp & (p2 > 0)], axis=1)
        rows = self._rows[np.where(inside & wanted, flat, 0)]  # flat 0: no n-gram, row 0
        return rows, wanted & ~inside


class _Pool:
    """Every cached token's n-gram rows end to end, and where each slot's are (``Model._see``
    adds a batch's new tokens; ``Model._probabilities_many`` reads a batch's)."""

    def __init__(self) -> None:
        self.rows = np.zeros(1 << 16, dtype=np.int32)
        self.used = 0
        self.at = np.zeros(4096, dtype=np.int64)  # per slot: its first row in ``rows``
        self.sizes = np.zeros(4096, dtype=np.int64)  # per slot: how many rows (0: none known)
        self.source = np.zeros(4096, dtype=np.int64)  # per slot: the slot whose rows it has

    def add(
        self,
        slots: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int32],
        counts: npt.NDArray[np.intp],
    ) -> None:
        """Rows of new ``slots``, ``counts`` of them each, one slot after another."""
        end = self.used + len(rows)
        if end > len(self.rows):
            self.rows = np.concatenate(
                [self.rows[: self.used], np.zeros(max(end, 2 * len(self.rows)), dtype=np.int32)]
            )
        self.rows[self.used : end] = rows
        self._room(slots)
        self.at[slots] = self.used + np.cumsum(counts) - counts
        self.sizes[slots] = counts
        self.source[slots] = slots
        self.used = end

    def alias(self, slots: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]) -> None:
        """Give ``slots`` the rows of ``sources`` (slots already added; a slot its own source
        is left as it is)."""
        self._room(slots)
        self.at[slots] = self.at[sources]
        self.sizes[slots] = self.sizes[sources]
        self.source[slots] = sources

    def _room(self, slots: npt.NDArray[np.int64]) -> None:
        top = int(slots.max()) + 1
        if top > len(self.at):
            grow = np.zeros(top, dtype=np.int64)
            self.at = np.concatenate([self.at, grow])
            self.sizes = np.concatenate([self.sizes, grow])
            self.source = np.concatenate([self.source, grow])

    def rows_of(
        self, slots: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
        """The rows of ``slots``, one slot's after another, and how many each has."""
        sizes = self.sizes[slots]
        ends = np.cumsum(sizes)
        out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.int32)
        # A block of slots at a time: a batch's rows run to millions, and index arrays of the
        # whole batch (int64, several) came each in fresh pages, costing more than the work.
        for lo in range(0, len(slots), _GATHER):
            size, end = sizes[lo : lo + _GATHER], ends[lo : lo + _GATHER]
            first = int(end[0] - size[0])
            # row i of the batch is row i - (its slot's first) + (that slot's first here)
            shift = np.repeat(self.at[slots[lo : lo + _GATHER]] - (end - size), size)
            out[first : int(end[-1])] = self.rows[shift + np.arange(first, int(end[-1]))]
        return out, sizes

    def clear(self) -> None:
        """Forget every slot (the caches were emptied; slots are numbered afresh)."""
        self.used = 0


@dataclass(frozen=True, slots=True)
class _Texts:
    """A batch's texts as langdetect samples them: every text's n-gram rows, end to end."""

    rows: npt.NDArray[np.int32]  # profile rows of each text's n-grams, text after text
    offsets: npt.NDArray[np.int64]  # where each text's rows start
    sizes: npt.NDArray[np.uint64]  # how many n-grams each text has (each >= 1)
    shifts: npt.NDArray[np.uint64]  # 32 - sizes.bit_length(): see ``_Stream.choices``


_SPACE = 0x20


def _shared_keys(padded: list[str], normal: dict[int, str]) -> list[str]:
    """Each padded token (`` token `` or `` token``) as ``NGram.normalize`` maps it (``normal``,
    a translate table), runs of spaces as one: two tokens with one key have the same n-grams
    (a space after a space adds none, and a space is the only character such a run changes)."""
    lengths = list(map(len, padded))
    joined = "".join(padded).translate(normal)  # one character for one: offsets survive
    ends = list(accumulate(lengths))
    keys = list(map(joined.__getitem__, map(slice, map(sub, ends, lengths), ends)))
    return [_SPACES.sub(" ", key) if "  " in key else key for key in keys]


def _codes(text: str) -> npt.NDArray[np.int64]:
    """The code points of ``text`` (lone surrogates included, as Python holds them)."""
    raw = text.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype="<u4").astype(np.int64)


def _converged(shifted: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Where langdetect's check passes (the best language's probability > 0.99999), for log
    probabilities ``shifted`` by their maximum (checks, texts, languages).

    It passes only when every other language is below e**-11.5 of the best (else the
    probabilities' sum is at least 1 + 1e-5): where another is above e**-11 (a wide margin),
    it fails, and only the other checks are worked out, exactly as langdetect does."""
    if shifted.shape[1] <= _FEW:  # a few texts: numpy's cost per call outweighs what is saved
        everywhere: npt.NDArray[np.bool_] = (
            1.0 / np.add.reduce(np.exp(shifted), axis=2) > _CONV_THRESHOLD
        )
        return everywhere
    near = np.add.reduce(shifted > _FAR, axis=2, dtype=np.uint8) == 1  # the best: itself
    converged = np.zeros(near.shape, dtype=bool)
    check, text = np.nonzero(near)
    if len(check):
        sums = np.add.reduce(np.exp(shifted[check, text]), axis=1)
        converged[check, text] = 1.0 / sums > _CONV_THRESHOLD
    return converged


def _normalized(shifted: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Probabilities from log probabilities ``shifted`` by their maximum, one row a text."""
    found = np.exp(shifted)
    found /= np.add.reduce(found, axis=1)[:, None]
    return found


def summed_rows(
    table: npt.NDArray[np.float32],
    rows: npt.NDArray[np.int32] | npt.NDArray[np.intp],
    lengths: npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp] | None = None,
) -> npt.NDArray[np.float32]:
    """``np.add.reduceat(table[rows], starts, axis=0)`` for consecutive runs of ``lengths``
    (each >= 1) rows, bit for bit, several times faster (or for runs at ``starts`` in ``rows``,
    each summed as that run alone would be): numpy adds a run's first row to the pairwise sum
    (``_pairwise``) of the others, column by column through strided memory; here runs whose
    sums take the same steps are summed together (``_summed_alike``), each step over whole
    contiguous slabs, each slab read from ``table`` when it is added (never all of a run's rows
    at once: they would not stay in the processor's cache)."""
    found = np.empty((len(lengths), table.shape[1]), dtype=table.dtype)
    if starts is None:
        starts = np.cumsum(lengths) - lengths
    # Up to 128 terms after the first, numpy's steps depend only on how many blocks of 8 they
    # fill; what is left over is added one by one, so adding -0.0 for the terms a shorter run
    # lacks changes no bit (x + -0.0 is x, for every x).
    blocks = np.where(lengths > 8, (lengths - 1) // 8, 0)
    for b in np.unique(blocks[lengths <= 129]).tolist():
        which = np.flatnonzero((blocks == b) & (lengths <= 129))
        found[which] = _summed_alike(table, rows, starts[which], lengths[which], b)
    for n in np.unique(lengths[lengths > 129]).tolist():
        which = np.flatnonzero(lengths == n)
        runs = _Runs(table, rows, starts[which])
        found[which] = runs.slab(0) + _pairwise(runs, 1, n)
    return found


def _summed_alike(
    table: npt.NDArray[np.float32],
    rows: npt.NDArray[np.int32] | npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp],
    lengths: npt.NDArray[np.intp],
    blocks: int,
) -> npt.NDArray[np.float32]:
    """Runs of 1 to 129 rows whose terms after the first fill ``blocks`` blocks of 8 (0: fewer
    than 8 terms), summed in ``_pairwise``'s order: eight running sums over the blocks combined
    as a tree, then the terms left over (fewer than 8) one by one, a run without one adding
    -0.0; then the first row."""
    total: npt.NDArray[np.float32] | None = None
    if blocks:
        sums: npt.NDArray[np.float32] = np.take(
            table, rows[starts + np.arange(1, 9)[:, None]], axis=0
        )
        for b in range(1, blocks):
            sums += np.take(table, rows[starts + np.arange(1 + 8 * b, 9 + 8 * b)[:, None]], axis=0)
        total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + (
            (sums[4] + sums[5]) + (sums[6] + sums[7])
        )
    done = 1 + 8 * blocks
    left = lengths - done  # terms left over, per run (0 to 7)
    most = int(left.max())
    if most:  # every leftover term read at once, then added one by one
        has = left > np.arange(most)[:, None]
        at = np.where(has, starts + np.arange(done, done + most)[:, None], starts)
        slabs: npt.NDArray[np.float32] = np.take(table, rows[at], axis=0)
        slabs[~has] = -0.0
        for j in range(most):
            if total is None:
                total = slabs[j]
            else:
                total += slabs[j]
    first: npt.NDArray[np.float32] = np.take(table, rows[starts], axis=0)
    return first if total is None else first + total


@dataclass(frozen=True, slots=True)
class _Runs:
    """Runs of rows of ``table`` of one length, starting at ``starts`` in ``rows``."""

    table: npt.NDArray[np.float32]
    rows: npt.NDArray[np.int32] | npt.NDArray[np.intp]
    starts: npt.NDArray[np.intp]

    def slab(self, i: int) -> npt.NDArray[np.float32]:
        """Every run's ``i``-th row: (runs, columns)."""
        found: npt.NDArray[np.float32] = np.take(self.table, self.rows[self.starts + i], axis=0)
        return found

    def slabs(self, i: int, n: int) -> npt.NDArray[np.float32]:
        """Every run's rows ``i`` to ``i + n``: (n, runs, columns)."""
        found: npt.NDArray[np.float32] = np.take(
            self.table, self.rows[self.starts + np.arange(i, i + n)[:, None]], axis=0
        )
        return found


def _pairwise(runs: _Runs, lo: int, hi: int) -> npt.NDArray[np.float32]:
    """numpy's pairwise summation (``pairwise_sum`` in its loops_utils) of rows ``lo`` to
    ``hi`` of ``runs``: in order below 8 terms; up to 128, eight running sums combined as a
    tree, then the rest in order; beyond, the two halves (cut at a multiple of 8) summed apart."""
    count = hi - lo
    total: npt.NDArray[np.float32]
    if count < 8:
        total = runs.slab(lo)
        for i in range(lo + 1, hi):
            total += runs.slab(i)
        return total
    if count > 128:
        half = count // 2 - (count // 2) % 8
        return _pairwise(runs, lo, lo + half) + _pairwise(runs, lo + half, hi)
    sums = runs.slabs(lo, 8)
    i, end = lo + 8, hi - count % 8
    while i < end:
        sums += runs.slabs(i, 8)
        i += 8
    total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + (
        (sums[4] + sums[5]) + (sums[6] + sums[7])
    )
    for j in range(i, hi):
        total += runs.slab(j)
    return total


def _grown(
    table: npt.NDArray[np.bool_], codes: npt.NDArray[np.int64], test: Callable[[str], bool]
) -> npt.NDArray[np.bool_]:
    """``table`` (``test`` of each code point) extended to cover every one of ``codes``."""
    grown = np.zeros(int(codes.max()) + 1, dtype=bool)
    grown[: len(table)] = table
    for code in np.unique(codes[codes >= len(table)]).tolist():
        grown[code] = test(chr(code))
    return grown


def _pack(
    first: npt.NDArray[np.int64] | int,
    second: npt.NDArray[np.int64] | int,
    last: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """N-grams of up to 3 characters as int64 keys: 21 bits a character, each code point + 1
    (-1 for no character, packed as 0), the last character in the lowest bits."""
    packed: npt.NDArray[np.int64] = (np.asarray(last) + 1) | ((np.asarray(second) + 1) << 21)
    packed |= (np.asarray(first) + 1) << 42
    return packed


def _prepare(text: str) -> str:
    """langdetect's ``Detector.append`` + ``cleaning_text``, minus the space collapsing (which
    never changes the n-grams): URLs and e-mails out, Vietnamese normalized, cut at 10,000
    characters, Latin letters dropped from text written mostly in another script. Each regex
    runs only when the text holds what it needs to match (cheap ``in`` tests first)."""
    if "http" in text:
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:
        text = Detector.MAIL_RE.sub(" ", text)
    if any(mark in text for mark in _VI_MARKS):
        text = NGram.normalize_vi(text)
    text = text[:_MAX_TEXT]
    if not text.isascii():
        codes = _codes(text)  # ~3x faster than a regex's findall
        other = (codes >= _NON_LATIN_FROM) | (
            (codes >= _NON_LATIN_LOW) & (codes <= _NON_LATIN_HIGH)
        )
        non_latin = int(np.count_nonzero(other))
        if non_latin:
            latin = 0
            for run in _LATIN.finditer(text):
                latin += run.end() - run.start()
                if latin * 2 >= non_latin:
                    break  # enough Latin letters: the text keeps them
            else:
                text = _LATIN.sub("", text)
    return text


@cache
def model(seed: int = 0) -> Model:
    """The process's ``Model`` for ``seed`` (built once: one per worker)."""
    return Model(seed)
