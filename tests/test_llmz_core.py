"""The helper package's core: device and profile selection, the corpus, seeded datasets."""
from __future__ import annotations

import pytest
import torch

import llmz
from llmz import data
from llmz.device import Profile, autocast_dtype, needs_grad_scaler, profile


def test_profile_is_small_on_cpu_and_can_be_overridden(monkeypatch):
    monkeypatch.delenv("LLMZ_PROFILE", raising=False)
    assert profile("cpu") == Profile("small")
    assert profile("cuda") == Profile("full")
    monkeypatch.setenv("LLMZ_PROFILE", "full")
    assert profile("cpu").full and profile("cpu").pick(1, 2) == 2
    monkeypatch.setenv("LLMZ_PROFILE", "huge")
    with pytest.raises(ValueError, match="small' or 'full"):
        profile("cpu")


def test_cpu_runs_in_fp32_without_a_scaler():
    assert autocast_dtype("cpu") is None and not needs_grad_scaler("cpu")
    assert llmz.get_device("cpu").type == "cpu"
    assert "profile" in llmz.describe_device("cpu")


def test_seed_makes_runs_repeatable():
    llmz.set_seed(3)
    a = torch.randn(4)
    llmz.set_seed(3)
    assert torch.equal(a, torch.randn(4))


def test_corpus_has_the_42_works_and_selects_by_name():
    assert len(data.corpus_files()) == 42
    text = data.load_corpus(("hamlet",))
    assert "HAMLET" in text.upper() and len(text) > 100_000
    with pytest.raises(KeyError, match="no such work"):
        data.load_corpus(("no_such_play",))
    train, val = data.train_val_split("abcdefghij", 0.2)
    assert (train, val) == ("abcdefgh", "ij")


def test_char_vocab_round_trips():
    v = data.CharVocab("hello world")
    assert v.decode(v.encode("low hell")) == "low hell" and len(v) == 8


def test_seeded_tasks_are_deterministic_and_well_formed():
    assert data.reverse_pairs(20, seed=1) == data.reverse_pairs(20, seed=1)
    assert all(out == inp[::-1] for inp, out in data.reverse_pairs(50))
    reviews = data.sentiment_reviews(400, seed=0)
    assert reviews == data.sentiment_reviews(400, seed=0)
    labels = [y for _, y in reviews]
    assert 150 < sum(labels) < 250, "labels are roughly balanced"
    negated = [(t, y) for t, y in reviews if " not " in t]
    assert negated and any(y == 1 for _, y in negated) and any(y == 0 for _, y in negated)


def test_contrast_reviews_share_their_bag_and_leave_the_default_unchanged():
    import hashlib

    # contrast_rate=0 (the default) must keep the reviews chapters 5-7 measured on
    pinned = hashlib.sha256(repr(data.sentiment_reviews(400, seed=0)).encode()).hexdigest()
    assert pinned.startswith("aed1c185a346956d")
    reviews = data.sentiment_reviews(2000, seed=3, contrast_rate=0.3)
    contrast = [(t, y) for t, y in reviews if " but not " in t]
    assert 450 < len(contrast) < 750 and {y for _, y in contrast} == {0, 1}
    for text, label in contrast:   # swapping the two adjectives flips the label, same bag
        words = text.split()
        i = words.index("but")
        first, second = words[i - 1], words[i + 2]
        mirrored = " ".join(second if w == first else first if w == second else w for w in words)
        assert sorted(mirrored.split()) == sorted(words)
        assert (first in data._POS) == bool(label) and (second in data._POS) != bool(label)


def test_model_loading_draws_no_progress_widget():
    """The GGUF converter's tqdm.auto would draw a notebook widget (a CDN script on the rendered
    page): while a model loads, the converter gets a silent loop, restored afterwards."""
    gguf = pytest.importorskip("transformers.modeling_gguf_pytorch_utils")
    from llmz.models import _quiet

    before = gguf.tqdm
    with _quiet():
        items = [1, 2, 3]
        assert gguf.tqdm(items, desc="x") is items
    assert gguf.tqdm is before
