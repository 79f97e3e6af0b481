"""Unit tests of llmz/bpe.py, the course tokenizer (chapter 2). Quick: a few seconds in all."""
from __future__ import annotations

import random

import pytest

from llmz import bpe
from llmz.data import load_corpus

TRICKY = [
    "",
    "Wherefore art thou Romeo?",
    "O, that this too too solid flesh would melt,\nThaw and resolve itself into a dew!",
    "naïve café, Ærø, Straße",
    "吾輩は猫である。名前はまだ無い。",
    "مرحبا بالعالم",
    "👩‍👩‍👧 family, 🇯🇵 flag, 😀😀😀 and a lone \u200d joiner",
    "x = torch.zeros(3, 4)  # 🔥\n\tif x:\n        return None\r\n",
    "  leading and trailing spaces   ",
    "I'll DON'T you've we'd 'tis o'er",
    "1234567890 3.14159 -42 1e-9",
    "tab\tnbsp\u00a0em\u2003space\u3000ideographic",
    "<|endoftext|> is special, <|endoftext| is not",
]


def random_unicode(rng: random.Random, n: int) -> str:
    """A random string of valid code points from many blocks (no lone surrogates)."""
    blocks = [(0x20, 0x7E), (0x0A, 0x0D), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF),
              (0x590, 0x6FF), (0x900, 0x97F), (0x3040, 0x30FF), (0x4E00, 0x9FFF),
              (0xAC00, 0xD7A3), (0x1F300, 0x1FAFF), (0x10000, 0x1007F), (0xE000, 0xF8FF)]
    out = []
    for _ in range(n):
        lo, hi = rng.choice(blocks)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


@pytest.fixture(scope="module")
def course():
    return bpe.load_course_tokenizer()


@pytest.fixture(scope="module")
def sample() -> str:
    return load_corpus(max_chars=60_000)


@pytest.fixture(scope="module")
def small(sample):
    return bpe.BPETokenizer().train(sample, 256 + 200 + 1)


def test_shipped_asset_loads(course):
    assert course.vocab_size == bpe.COURSE_VOCAB_SIZE == 2048
    assert len(course.merges) == 2048 - 256 - 1
    assert course.special_tokens == {bpe.EOT: 2047}
    assert sorted(course.vocab) == list(range(2048))
    assert course.pattern == bpe.GPT2_PATTERN
    # learned merges compress Shakespeare to well under one token per character
    line = "Shall I compare thee to a summer's day? Thou art more lovely and more temperate"
    assert len(course.encode(line)) < len(line) / 2.5


@pytest.mark.parametrize("text", TRICKY)
def test_round_trip_tricky(course, small, text):
    for tok in (course, small):
        ids = tok.encode(text)
        assert all(0 <= i < tok.vocab_size for i in ids)
        assert tok.decode(ids) == text
        assert tok.decode(tok.encode(text, allowed_special=False)) == text


def test_round_trip_random_unicode(course):
    rng = random.Random(0)
    for _ in range(200):
        s = random_unicode(rng, rng.randint(0, 40))
        assert course.decode(course.encode(s)) == s


def test_special_tokens(course):
    eot = course.special_tokens[bpe.EOT]
    assert course.encode("a" + bpe.EOT + "b").count(eot) == 1
    assert eot not in course.encode("a" + bpe.EOT + "b", allowed_special=False)
    assert course.decode([eot]) == bpe.EOT


def test_partial_character_decodes_to_replacement(course):
    ids = course.encode("😀")
    assert len(ids) == 4  # four UTF-8 bytes, never merged in Shakespeare
    assert course.decode(ids[:2]) == "\ufffd"


def test_training_is_deterministic(sample):
    a = bpe.BPETokenizer().train(sample, 400)
    b = bpe.BPETokenizer().train(sample, 400)
    assert list(a.merges.items()) == list(b.merges.items())
    assert a.to_dict() == b.to_dict()


def test_fast_trainer_equals_naive_trainer(sample):
    text = sample[:15_000]
    assert bpe.train_fast(text, 60) == bpe.train_naive(text, 60)


def test_tie_rule_smallest_pair():
    # "ab" and "cd" both occur twice: the smaller pair (97, 98) must be merged first
    merges = bpe.train_fast("ab cd ab cd", 1, pattern=r"\S+")
    assert merges == {(97, 98): 256}


def test_vocab_size_and_truncation(small):
    assert small.vocab_size == 457 and len(small.merges) == 200
    t = small.truncated(50)
    assert t.vocab_size == 256 + 50 + 1 and t.special_tokens == {bpe.EOT: 306}
    # nested vocabularies: training directly to the smaller size learns the same merges
    assert list(t.merges.items()) == list(small.merges.items())[:50]


def test_save_load(small, tmp_path):
    path = small.save(tmp_path / "tok.json")
    again = bpe.BPETokenizer.load(path)
    assert list(again.merges.items()) == list(small.merges.items())
    assert again.special_tokens == small.special_tokens
    assert again.encode(TRICKY[2]) == small.encode(TRICKY[2])


def test_hf_export_gives_identical_ids(small, sample, tmp_path):
    transformers = pytest.importorskip("transformers")
    path = small.save_hf(tmp_path / "hf")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(path))
    assert len(fast) == small.vocab_size
    for text in [sample] + TRICKY:
        ids = small.encode(text)
        assert fast(text)["input_ids"] == ids
        assert fast.decode(ids) == text


def test_shipped_hf_asset_matches(course):
    transformers = pytest.importorskip("transformers")
    path = bpe.ASSETS / "course_tokenizer_hf" / "tokenizer.json"
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(path))
    text = load_corpus(max_chars=200_000)[-100_000:]
    assert fast(text)["input_ids"] == course.encode(text)
    for s in TRICKY:
        assert fast(s)["input_ids"] == course.encode(s)


def test_assets_are_small():
    for path in [bpe.ASSETS / "course_tokenizer.json",
                 bpe.ASSETS / "course_tokenizer_hf" / "tokenizer.json"]:
        assert path.stat().st_size < 1_000_000


def test_word_tokenizer_unk():
    wt = bpe.WordTokenizer("the cat sat on the mat", max_size=3)
    assert wt.itos == ["<unk>", "the", "cat"]
    assert wt.encode("The dog sat") == [1, 0, 0]
    assert wt.unk_rate("the dog") == 0.5


def test_sp_view_round_trip():
    s = "To be, or not to be"
    assert bpe.sp_view(s) == "▁To▁be,▁or▁not▁to▁be"
    assert bpe.sp_unview(bpe.sp_view(s)) == s


def test_cosine_and_neighbours():
    import numpy as np
    import torch

    v = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    assert bpe.cosine_similarity(v[0], v[3]) == pytest.approx(-1.0)
    sims = bpe.cosine_similarity(torch.tensor(v), torch.tensor(v))
    assert sims.shape == (4, 4) and torch.allclose(sims.diagonal(), torch.ones(4))
    words = ["a", "b", "c", "d"]
    assert [w for w, _ in bpe.nearest_neighbours(v, words, "a", k=2)] == ["b", "c"]


def test_gpt2_tokenizer_offline():
    enc = bpe.gpt2_tokenizer(verbose=False)
    if enc is None:
        pytest.skip("tiktoken or openai-whisper is not installed")
    assert enc.n_vocab == 50257
    assert enc.encode("Hello world") == [15496, 995]
    assert enc.decode(enc.encode(TRICKY[6])) == TRICKY[6]
