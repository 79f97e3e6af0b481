"""Quick unit tests of llmz.rnn (chapter 1's library code). CPU only, a few seconds in all."""
import math

import pytest
import torch
import torch.nn as nn

from llmz import rnn
from llmz.data import CharVocab


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# ---------------------------------------------------------------------------------- n-grams
def test_ngram_counts_and_mle():
    lm = rnn.NGramLM(n=2, k=0).fit("abab")
    assert lm.counts[("a",)]["b"] == 2
    assert lm.counts[("b",)]["a"] == 1
    assert lm.prob("a", "b") == 1.0
    assert lm.prob("b", "b") == 0.0


def test_ngram_word_tokens():
    lm = rnn.NGramLM(n=2, k=0).fit("to be or not to be".split())
    assert lm.prob(["to"], "be") == 1.0
    assert lm.next_distribution(["not"], top=1) == [("to", 1.0)]


def test_uniform_perplexity_equals_vocab_size():
    for v in (2, 10, 37):
        vocab = [chr(65 + i) for i in range(v)]
        lm = rnn.NGramLM(n=1, k=1, vocab=vocab).fit([])
        assert math.isclose(lm.perplexity(vocab * 3), v, rel_tol=1e-9)


def test_unseen_ngram_needs_smoothing():
    lm = rnn.NGramLM(n=2, k=0, vocab="abc").fit("abababab")
    assert lm.perplexity("abc") == math.inf          # "bc" never seen
    lm.k = 0.5
    assert math.isfinite(lm.perplexity("abc"))


@pytest.mark.parametrize("k", [1.0, 0.1])
def test_add_k_is_a_distribution(k):
    lm = rnn.NGramLM(n=3, k=k).fit("the cat sat on the mat")
    for ctx in ["th", "at", "zz"]:
        total = sum(p for _, p in lm.next_distribution(ctx))
        assert math.isclose(total, 1.0, rel_tol=1e-9)


def test_generate_is_seeded_and_in_vocab():
    lm = rnn.NGramLM(n=2, k=0.1).fit("hello world")
    a, b = lm.generate("h", 30, seed=3), lm.generate("h", 30, seed=3)
    assert a == b and len(a) == 31 and set(a) <= set("hello world")


# ---------------------------------------------------------------------------- recurrent cell
def test_scratch_cell_matches_torch_rnncell():
    torch_cell, ours = nn.RNNCell(6, 9), rnn.RNNCellScratch(6, 9)
    ours.load_state_dict(torch_cell.state_dict())
    x, h = torch.randn(4, 6), torch.randn(4, 9)
    torch.testing.assert_close(ours(x, h), torch_cell(x, h))
    torch.testing.assert_close(ours(x), torch_cell(x))     # h0 = 0 by default


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_cell_from_layer_unrolls_like_the_layer(kind):
    layer = rnn.make_cell(kind, 5, 7)
    cell = rnn.cell_from_layer(layer)
    x = torch.randn(3, 6, 5)
    out, _ = layer(x)
    h = c = torch.zeros(3, 7)
    for t in range(6):
        if kind == "lstm":
            h, c = cell(x[:, t], (h, c))
        else:
            h = cell(x[:, t], h)
        torch.testing.assert_close(h, out[:, t])


# ------------------------------------------------------------------------- language model
def test_char_rnn_state_continues_the_sequence():
    model = rnn.CharRNN(vocab_size=11, embed_dim=8, hidden_size=16, kind="gru").eval()
    x = torch.randint(0, 11, (2, 10))
    full, _ = model(x)
    first, state = model(x[:, :6])
    rest, _ = model(x[:, 6:], state)
    assert full.shape == (2, 10, 11)
    torch.testing.assert_close(torch.cat([first, rest], 1), full)


def test_lm_batch_targets_are_shifted_inputs():
    data = torch.arange(100)
    x, y = rnn.lm_batch(data, batch_size=4, seq_len=8, generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(y[:, :-1], x[:, 1:]) and torch.equal(y[:, 0], x[:, 0] + 1)


def test_train_lm_learns_a_periodic_text_and_samples_it():
    text = "abcd" * 300
    vocab = CharVocab(text)
    ids = torch.tensor(vocab.encode(text))
    model = rnn.CharRNN(len(vocab), embed_dim=8, hidden_size=32, kind="gru")
    untrained = rnn.evaluate_lm(model, ids, seq_len=32)
    assert math.isclose(untrained, math.log(4), rel_tol=0.2)    # about uniform
    hist = rnn.train_lm(model, ids, steps=60, batch_size=16, seq_len=16, val_data=ids,
                        eval_every=30, lr=1e-2, device="cpu")
    assert set(hist) == {"step", "train", "eval_step", "eval"}
    assert len(hist["train"]) == 60 and hist["eval_step"] == [0, 30, 60]
    assert hist["eval"][-1] < 0.1 < hist["eval"][0]
    out = rnn.sample(model, vocab, "ab", n=12, temperature=0.0)
    assert out == "ab" + "cdab" * 3
    again = [rnn.sample(model, vocab, "a", n=20, seed=1) for _ in range(2)]
    assert again[0] == again[1]


# ----------------------------------------------------------------------------- many-to-one
def test_token_vocab_and_padding():
    vocab = rnn.TokenVocab("the play was not dull".split())
    ids = vocab.encode("the play was good".split(), bos=True, eos=True)
    assert ids[0] == vocab.BOS and ids[-1] == vocab.EOS and ids[4] == vocab.UNK
    assert vocab.decode(vocab.encode(["the", "play"]) + [vocab.EOS, 7], sep=" ") == "the play"
    x, lengths = rnn.pad_batch([[5, 6, 7], [8]])
    assert x.tolist() == [[5, 6, 7], [8, 0, 0]] and lengths.tolist() == [3, 1]


def test_classifier_ignores_right_padding():
    model = rnn.RNNClassifier(vocab_size=20, num_classes=3, embed_dim=8, hidden_size=16).eval()
    seq = torch.tensor([[5, 6, 7]])
    padded = torch.tensor([[5, 6, 7, 0, 0, 0]])
    a = model(seq, torch.tensor([3]))
    b = model(padded, torch.tensor([3]))
    assert a.shape == (1, 3)
    torch.testing.assert_close(a, b)


# ---------------------------------------------------------------------------- many-to-many
def test_seq2seq_shapes_and_context_ignores_padding():
    model = rnn.Seq2Seq(src_vocab=12, tgt_vocab=9, embed_dim=8, hidden_size=16).eval()
    src = torch.randint(4, 12, (3, 7))
    src_len = torch.tensor([7, 4, 2])
    tgt_in = torch.randint(4, 9, (3, 5))
    assert model(src, src_len, tgt_in).shape == (3, 5, 9)
    assert model.greedy_decode(src, src_len, max_len=6).shape == (3, 6)
    c_full = model.encode(src[1:2, :4], torch.tensor([4]))
    torch.testing.assert_close(model.encode(src, src_len)[1:2], c_full)


def test_seq2seq_rejects_lstm():
    with pytest.raises(ValueError):
        rnn.Seq2Seq(5, 5, kind="lstm")



def test_attention_seq2seq_ignores_padding_and_decodes_like_teacher_forcing():
    torch.manual_seed(0)
    model = rnn.AttentionSeq2Seq(src_vocab=12, tgt_vocab=9, embed_dim=8, hidden_size=16).eval()
    src = torch.randint(4, 12, (3, 7))
    src_len = torch.tensor([7, 4, 2])
    tgt_in = torch.randint(4, 9, (3, 5))
    logits = model(src, src_len, tgt_in)
    w = model.last_attention
    assert logits.shape == (3, 5, 9) and w.shape == (3, 5, 7)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 5))
    assert w[1, :, 4:].abs().max() == 0 and w[2, :, 2:].abs().max() == 0   # padding: no weight
    # the padded row gives what the unpadded sequence gives alone
    alone = model(src[1:2, :4], torch.tensor([4]), tgt_in[1:2])
    torch.testing.assert_close(logits[1:2], alone)
    # greedy decoding step by step equals teacher forcing on its own outputs
    out = model.greedy_decode(src, src_len, max_len=6)
    assert out.shape == (3, 6) and model.last_attention.shape == (3, 6, 7)
    bos = torch.full((3, 1), rnn.TokenVocab.BOS)
    forced = model(src, src_len, torch.cat([bos, out[:, :-1]], 1))
    assert torch.equal(forced.argmax(-1), out)

# ------------------------------------------------------------------------ gradients in time
def test_grad_norms_through_time():
    cell = nn.RNNCell(4, 16)
    norms = rnn.grad_norms_through_time(cell, torch.randn(30, 5, 4))
    assert len(norms) == 30
    assert norms[0] > 0 and norms[-1] < 1e-3 * norms[0]      # vanilla RNN at init: vanishes
    lstm_norms = rnn.grad_norms_through_time(nn.LSTMCell(4, 16), torch.randn(10, 5, 4))
    assert len(lstm_norms) == 10 and all(math.isfinite(v) for v in lstm_norms)


def test_train_loop_clips_and_evaluates():
    model = nn.Linear(3, 1)
    x, y = torch.randn(64, 3), torch.randn(64, 1)
    hist = rnn.train_loop(model, lambda s: (x, y),
                          lambda m, a, b: ((m(a) - b) ** 2).mean(), steps=20, lr=0.05,
                          device="cpu", eval_fn=lambda m: 1.0, eval_every=10)
    assert hist["train"][-1] < hist["train"][0]
    assert hist["eval_step"] == [0, 10, 20] and hist["eval"] == [1.0, 1.0, 1.0]
