from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from types import ModuleType

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from typer.testing import CliRunner

from corpus import langid, pipeline
from corpus.cli import app
from corpus.config import REGIONAL_LANGUAGES, Config, load_config
from corpus.errors import ConfigError
from corpus.executor import batched, map_ordered
from corpus.langid import Guess, detect, detector, identify, identify_batch, model, regional
from corpus.records import Article
from corpus.stats import Stats
from tests.conftest import shared_path
from tests.test_dedup import art

ID = "Wakil Menteri Luar Negeri Korea Selatan mengadakan pembicaraan dengan mitranya dari Amerika Serikat."
EN = "The central bank kept its benchmark interest rate unchanged on Thursday, citing easing inflation."
ID_BODY = (
    "Presiden Joko Widodo meresmikan jalan tol baru di Jawa Tengah pada hari Senin. Menurut dia, "
    "jalan ini akan mempercepat distribusi barang dan menurunkan biaya logistik.\n\n"
    "Pemerintah menargetkan pembangunan jalan tol sepanjang 2.500 kilometer hingga akhir tahun "
    "depan. Sebagian besar proyek dibiayai oleh badan usaha milik negara."
)
EN_QUOTE = (
    '"We are very happy with the progress of this project and we look forward to more '
    'investment in the region," said the ambassador.'
)
MALAY = (
    "Kerajaan negeri akan membina hospital baharu di daerah itu kerana permintaan rakyat yang "
    "semakin tinggi. Selepas mesyuarat exco, beliau berkata projek itu dijangka siap dalam "
    "tempoh dua tahun dan akan memberi manfaat kepada penduduk setempat."
)

# Written for these tests (not from any corpus): the same everyday scene in each language.
JAVANESE = (
    "Aku lagi wae bali saka pasar karo ibuku. Ing pasar akeh banget wong sing padha tuku "
    "sayuran lan iwak, amarga sesuk ana riyaya. Bapakku ora melu amarga isih nyambut gawe ing "
    "sawah, dadi aku sing kudu nggawa kabeh belanjane mulih."
)
SUNDANESE = (
    "Kuring kamari indit ka pasar jeung indung kuring. Di pasar loba pisan jalma anu keur "
    "balanja sayuran jeung lauk, sabab isukan aya hajatan. Bapa kuring henteu milu lantaran "
    "keur digawé di sawah, jadi kuring anu kudu mawa sagala balanjaan ka imah."
)
TAGALOG = (
    "Pumunta ako sa palengke kahapon kasama ang aking nanay. Maraming tao ang bumibili ng "
    "gulay at isda dahil may pista bukas. Hindi sumama ang tatay ko dahil nagtatrabaho pa siya "
    "sa bukid, kaya ako ang nagdala ng lahat ng pinamili pauwi."
)
JAVANESE_TL = "Ana ing pinggir dalan akeh wong sing padha dodolan panganan."

#: Separators, and what str.split() splits on but langdetect does not (see Model._tokens_of).
ODD_SPACES = ["\r", "\t", "\u2028", "\u3000", "\x85"]


@pytest.fixture(scope="module")
def plain() -> DetectorFactory:
    """Plain langdetect, seeded: the reference the fast path must agree with."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def plain_probabilities(factory: DetectorFactory, text: str) -> list[tuple[str, float]]:
    detector = factory.create()
    detector.append(text)
    try:
        return [(p.lang, round(p.prob, 6)) for p in detector.get_probabilities()]
    except LangDetectException:
        return []


def fast_probabilities(text: str) -> list[tuple[str, float]]:
    return [(lang, round(p, 6)) for lang, p in model(0).probabilities(text)]


def test_detects_indonesian_and_english() -> None:
    assert detect(ID)[0] == "id"
    assert detect(EN)[0] == "en"


def test_short_text_is_unknown_not_a_guess() -> None:
    assert detect("ok") == (None, None)
    assert detect("12345 67890 !!! ???") == (None, None)
    assert identify("Ya, benar.") == Guess(None, None, None, ())


CASES = [
    ID,
    EN,
    ID_BODY + "\n\n" + EN_QUOTE,
    "Presiden said the economy is kuat dan stabil, the minister added bahwa inflasi turun.",
    "JAKARTA, KOMPAS.com - BMKG mencatat GEMPA M 5,2 di Maluku; lihat https://bmkg.go.id/x?y=1 "
    "atau tulis ke humas@bmkg.go.id.",
    "Москва — Президент России провёл совещание с членами правительства. OK, fine.",
    "東京都は新たに感染者を確認したと発表した。 Tokyo reported new cases.",
    "Thủ tướng Chính phủ yêu cầu các bộ ngành đẩy mạnh giải ngân vốn đầu tư công.",
    "Die Bundesregierung hat am Mittwoch neue Maßnahmen beschlossen, sagte ein Sprecher.",
    "«Ça suffit», a déclaré le ministre à l'Assemblée nationale mardi soir.",
    ID_BODY * 40,  # past langdetect's 10,000-character cut, ending mid-word
    "x" * 30,
]


@pytest.mark.parametrize("text", CASES)
def test_same_probabilities_as_plain_langdetect(plain: DetectorFactory, text: str) -> None:
    assert fast_probabilities(text) == plain_probabilities(plain, text)


@settings(max_examples=60)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"abcdeghiklmnoprstuyABKMJ .,\n'\"-0123", "é", "ß", "я", "д", "中", "’", *ODD_SPACES]
        ),
        min_size=1,
        max_size=300,
    )
)
def test_same_probabilities_as_plain_langdetect_on_any_text(
    plain: DetectorFactory, text: str
) -> None:
    assert fast_probabilities(text) == plain_probabilities(plain, text)


@settings(max_examples=60)
@given(
    st.lists(
        st.sampled_from([ID, EN, EN_QUOTE[:-1], MALAY, ID_BODY[:80], "\n", " ", *ODD_SPACES]),
        max_size=12,
    ).map("".join)
)
@example(ID_BODY + "\n" + EN_QUOTE[:-1] + "\n" + ID_BODY)  # only a line break ends the quote
@example(" \n" + EN_QUOTE[:-1] + "\x85\n" + ID_BODY + "\n")
def test_both_ways_of_splitting_tokens_give_the_same_guess(text: str) -> None:
    # str.split() is the fast path; the regex is what langdetect's separators are
    fast = identify(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(detector, "_NOT_SEPARATORS", ("",))  # "" is in every text: regex path
        assert identify(text) == fast


def article(id_: str, text: str) -> Article:
    return art(id_, text)


def test_a_batch_gives_each_text_its_own_guess() -> None:
    # identify_batch runs the texts' trials side by side (more than 16 texts: slab sums); the
    # stage goes through it
    texts = [MALAY, ID_BODY, EN, MALAY + " " + ID_BODY, "Ya, benar.", *CASES, *CASES[::-1]]
    one_by_one = [identify(text) for text in texts]
    assert identify_batch(texts) == one_by_one
    articles = [article(str(i), text) for i, text in enumerate(texts)]
    staged = list(langid.run(articles, Config(), Stats()))
    assert [
        Guess(
            a.language,
            a.language_score,
            a.language_share,
            a.language_alternatives,
            a.language_langdetect,
        )
        for a in staged
    ] == one_by_one
    assert (one_by_one[0].language, one_by_one[0].langdetect) == ("ms", "id")


def test_same_answer_in_another_process_in_any_order() -> None:
    # mixed text is where an unseeded langdetect flips between runs; caches must not matter
    mixed = "Presiden said the economy is kuat dan stabil, the minister added bahwa inflasi turun."
    here = identify(mixed)
    code = (
        "from corpus.langid import identify\n"
        f"for t in {CASES[:6]!r}: identify(t)\n"
        f"print(repr(identify({mixed!r})))"
    )
    for hash_seed in ("1", "2"):
        there = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout.strip()
        assert there == repr(here)


def test_same_answers_from_worker_processes_in_batches() -> None:
    inline = [identify(text) for text in CASES]
    batches = map_ordered(partial(identify_batch, seed=0), batched(CASES[::-1], 5), workers=2)
    assert [g for batch in batches for g in batch] == inline[::-1]


def test_an_english_quote_does_not_flip_an_indonesian_article() -> None:
    guess = identify(ID_BODY + "\n\n" + EN_QUOTE)
    assert guess.language == "id"
    assert guess.share is not None and 0.5 < guess.share < 0.9
    assert identify(ID_BODY).share == 1.0


def test_a_long_quote_in_a_short_article_follows_the_letters() -> None:
    body = (
        "Menurut dia, pemerintah akan menurunkan harga bahan bakar minyak bulan depan. "
        "Kebijakan itu diambil setelah harga minyak dunia turun tajam pekan lalu. "
        "Pemerintah juga akan menambah subsidi untuk angkutan umum di seluruh provinsi.\n\n"
        '"We will keep working on it," he said.'
    )
    guess = identify(body)
    assert guess.language == "id"
    assert guess.score is not None and guess.score > 0.5


def test_malay_is_labelled_malay_and_indonesian_stays_indonesian() -> None:
    malay = identify(MALAY)
    assert malay.langdetect == "id"  # langdetect has no Malay profile
    assert malay.language == "ms"  # the regional model decides
    assert malay.score is not None and malay.score > 0.9
    indonesian = identify(ID_BODY)
    assert (indonesian.language, indonesian.langdetect) == ("id", "id")
    assert "ms" not in indonesian.alternatives
    english = identify(EN)
    assert (english.language, english.alternatives) == ("en", ())  # only id/tl are decided


def test_javanese_and_sundanese_are_labelled_and_tagalog_stays_tagalog() -> None:
    assert identify(JAVANESE).language == "jv"
    assert identify(SUNDANESE).language == "su"
    tagalog = identify(TAGALOG)
    assert (tagalog.language, tagalog.langdetect) == ("tl", "tl")
    assert all(identify(t).language != "tl" for t in (JAVANESE, SUNDANESE, MALAY, ID_BODY))


def test_javanese_that_langdetect_calls_tagalog_is_decided_again() -> None:
    guess = identify(JAVANESE_TL)
    assert guess.langdetect == "tl"
    assert guess.language == "jv"


def test_names_and_datelines_do_not_make_indonesian_malay() -> None:
    # capitalized words (places, outlets, datelines) are not read by the regional model
    dressed = f"KUALA LUMPUR 11 Okt. - {ID_BODY} - UTUSAN ONLINE, Bernama, Malaysia, Selangor"
    guess = identify(dressed)
    assert guess.language == "id"
    assert "ms" not in guess.alternatives


def test_the_title_is_read_with_the_body() -> None:
    body = "Polis sedang menyiasat kes itu."
    title = "Kerajaan negeri kata projek hospital baharu itu dijangka siap tahun depan"
    assert identify(langid.text_of(title, body)).language == "ms"
    short = article("short", "Ya, benar.")  # too short alone: unknown
    assert identify(short.text).language is None
    titled = replace(short, title="Pemerintah kota mengumumkan jadwal baru untuk warga")
    (staged,) = langid.run([titled], Config(), Stats())
    assert staged.language == "id"
    assert staged.language_langdetect == "id"


def test_too_few_lower_case_words_keep_langdetect_s_answer() -> None:
    shouting = "PEMERINTAH KOTA MENGUMUMKAN JADWAL BARU UNTUK WARGA PADA HARI SENIN INI"
    guess = identify(shouting)
    assert guess.language == guess.langdetect
    assert guess.alternatives == ()


def test_regional_decisions_read_the_model_s_settings() -> None:
    spec = {
        "classes": ["id", "ms"],
        "ngrams": [3],
        "scale": 0.01,
        "temperature": 1.0,
        "alternative_min": 0.2,
        "min_words": 2,
        "prior": [0.0, 0.0],
        "features": {"w:kerana": [-100, 100], "w:karena": [100, -100], "<ke": [0, 10]},
    }
    model = regional.Regional(spec)
    assert model.features("ke") == ["w:ke", "<ke", "ke>"]
    weights, words = model.token("kerana,")
    assert words == 1 and weights.tolist() == pytest.approx([-1.0, 1.1])
    assert model.token("Kerana") == (model.token("")[0], 0)  # a capital: a name, not read
    assert model.decide(weights, 1) is None  # fewer than min_words
    decided = model.decide(weights, 2)
    assert decided is not None and (decided.language, decided.alternatives) == ("ms", ())
    close = model.decide(np.array([0.0, 0.5], dtype=np.float32), 2)
    assert close is not None and (close.language, close.alternatives) == ("ms", ("id",))
    assert close.score == pytest.approx(1 / (1 + math.exp(-0.5)), abs=1e-4)


def test_config_knows_the_regional_model_s_languages() -> None:
    profiles = set(os.listdir(PROFILES_DIRECTORY))
    extra = {c for c in regional.model().classes if c not in profiles}
    assert extra == set(REGIONAL_LANGUAGES)
    assert Config(languages=("ms", "jv")).languages == ("jv", "ms")


def test_target_languages_are_checked_when_the_config_is_built() -> None:
    assert Config(languages="en, id").languages == ("en", "id")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown language code 'xx'"):
        Config(languages=("id", "xx"))
    with pytest.raises(ConfigError, match="other_languages"):
        Config(other_languages="drop")


def test_target_languages_from_corpus_toml(tmp_path: Path) -> None:
    toml = tmp_path / "corpus.toml"
    toml.write_text('[ingest]\nlanguages = ["id", "en"]\nother_languages = "keep"\n')
    cfg = load_config(toml)
    assert (cfg.languages, cfg.other_languages) == (("en", "id"), "keep")
    assert cfg.fingerprint != load_config(None).fingerprint  # it changes the output


def test_other_languages_are_rejected_verbatim_or_kept(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pipeline.ingest([mini], Config(dataset="a", out=out, languages=("id",)))
    rejects = pq.read_table(result.version_dir / "rejects").to_pylist()
    language = [r for r in rejects if r["reason"] == "language"]
    assert len(language) == 1
    assert language[0]["stage"] == "language"
    assert "'en'" in language[0]["issues"][0]["message"]
    source = mini / language[0]["source"]["path"]
    assert language[0]["raw"] in source.read_text(encoding="utf-8")
    data = pq.read_table(result.version_dir / "data").to_pylist()
    assert {r["language"] for r in data} == {"id"}

    kept = pipeline.ingest(
        [mini], Config(dataset="b", out=out, languages=("id",), other_languages="keep")
    )
    assert kept.counts["rejected"] == result.counts["rejected"] - 1
    assert "en" in kept.languages


def test_cli_languages_option(mini: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["ingest", str(mini), "--out", str(tmp_path), "--languages", "id"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "rejected" in done.output
    bad = runner.invoke(app, [*args[:-1], "id,xx"])
    assert bad.exit_code != 0
    assert "unknown language code 'xx'" in bad.output


@cache
def _eval_data() -> ModuleType:
    """evals/langid/data.py (the eval's splits and labelling rules), imported by path."""
    path = Path(__file__).resolve().parents[1] / "evals" / "langid" / "data.py"
    spec = importlib.util.spec_from_file_location("langid_eval_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _flagged(guesses: list[Guess], code: str) -> float:
    return sum(code in (g.language, *g.alternatives) for g in guesses) / len(guesses)


@pytest.mark.shared
def test_real_malaysian_news_is_malay_and_indonesian_news_is_not() -> None:
    data = _eval_data()
    path = shared_path("news-ms", "malay_news_2013_2018.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    test = [r for r in rows if data.split_of(r["url"]) == "test" and not data.english(r["text"])]
    malaysian = [r for r in test if data.country(r["url"]) == "my"][:400]
    indonesian = [r for r in test if data.country(r["url"]) == "id"]
    assert len(malaysian) == 400 and len(indonesian) > 300
    texts = [langid.text_of(r["title"], r["text"]) for r in malaysian]
    assert _flagged(identify_batch(texts), "ms") >= 0.95
    texts = [langid.text_of(r["title"], r["text"]) for r in indonesian]
    assert _flagged(identify_batch(texts), "ms") <= 0.03


@pytest.mark.shared
def test_real_indonesian_news_is_not_flagged_malay() -> None:
    data = _eval_data()
    path = shared_path("news-id-2025", "scrapping_news_2025-06-18.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if data.split_of(r["url"]) == "test"][:600]
    guesses = identify_batch([langid.text_of(r["judul"], r["isi_berita"]) for r in rows])
    assert _flagged(guesses, "ms") <= 0.01
    assert sum(g.language == "id" for g in guesses) / len(guesses) >= 0.98


@pytest.mark.shared
@pytest.mark.parametrize(("code", "language"), [("jav", "jv"), ("sun", "su")])
def test_real_javanese_and_sundanese_paragraphs(code: str, language: str) -> None:
    path = shared_path("langid-nusawrites", f"nusa_alinea-topic-{code}-test.csv")
    with path.open(encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:300]
    guesses = identify_batch(texts)
    assert _flagged(guesses, language) >= 0.9
    assert sum(g.language == "tl" for g in guesses) / len(guesses) <= 0.02
    sentences = [s for t in texts for s in _eval_data().sentences(t)]
    assert _flagged(identify_batch(sentences), language) >= 0.6
