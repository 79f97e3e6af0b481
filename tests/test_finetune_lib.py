"""Unit tests of llmz/finetune.py and llmz/evaluate.py: every metric against its reference
library (scikit-learn, sacrebleu, rouge-score, transformers' own loss), the response-only labels
against the chat template's assistant mask, the task mixture, and the fine-tuning loops on tiny
random models. CPU, offline, a few seconds."""
from __future__ import annotations

import math
import random
import re

import pytest
import torch

from llmz import evaluate as ev
from llmz import finetune as ft

transformers = pytest.importorskip("transformers")
from transformers import (AutoTokenizer, GPT2Config, GPT2ForSequenceClassification,  # noqa: E402
                          GPT2LMHeadModel)

from llmz.models import COURSE_MODEL  # noqa: E402

EOS = 2047


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(COURSE_MODEL)


def tiny_lm(seed=0, vocab=2048):
    torch.manual_seed(seed)
    m = GPT2LMHeadModel(GPT2Config(vocab_size=vocab, n_positions=128, n_embd=32, n_layer=2,
                                   n_head=2, bos_token_id=EOS, eos_token_id=EOS,
                                   pad_token_id=EOS))
    m.generation_config.pad_token_id = EOS
    return m.eval()


# ------------------------------------------------------------------------------ metrics
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_classification_metrics_match_sklearn(seed):
    sk = pytest.importorskip("sklearn.metrics")
    rng = random.Random(seed)
    y = [rng.randint(0, 1) for _ in range(200)]
    p = [t if rng.random() < 0.7 else 1 - t for t in y]
    got = ev.classification_metrics(y, p)
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, p))
    assert got["precision"] == pytest.approx(sk.precision_score(y, p))
    assert got["recall"] == pytest.approx(sk.recall_score(y, p))
    assert got["f1"] == pytest.approx(sk.f1_score(y, p))
    assert ev.confusion_matrix(y, p) == sk.confusion_matrix(y, p).tolist()


def test_classification_metrics_are_zero_where_undefined():
    got = ev.classification_metrics([1, 1, 0], [0, 0, 0])   # nothing predicted positive
    assert got["precision"] == 0.0 and got["recall"] == 0.0 and got["f1"] == 0.0
    assert got["accuracy"] == pytest.approx(1 / 3)


HYPS = ["The cat sat on the mat.", "It is 3.5 km away, isn't it?", "the answer is 12",
        "Hamlet, Prince of Denmark (a play)", "so", "A B C D E F G"]
REFS = ["The cat is on the mat.", "It's 3.5 km away - isn't it?", "The answer is 12.",
        "Hamlet, Prince of Denmark", "so it goes", "A B C D E F G"]


def test_bleu_matches_sacrebleu_corpus_and_sentence():
    sacrebleu = pytest.importorskip("sacrebleu")
    ref = sacrebleu.corpus_bleu(HYPS, [REFS]).score
    assert ev.bleu(HYPS, REFS) == pytest.approx(ref, abs=1e-9)
    for h, r in zip(HYPS, REFS):
        want = sacrebleu.sentence_bleu(h, [r]).score
        assert ev.bleu([h], [r], effective_order=True) == pytest.approx(want, abs=1e-9), (h, r)
    assert ev.bleu(["nothing shared"], ["at all"]) == 0.0


def test_bleu_tokenization_matches_13a():
    tokenizers = pytest.importorskip("sacrebleu.tokenizers.tokenizer_13a")
    t13a = tokenizers.Tokenizer13a()
    for s in HYPS + REFS + ["e.g. 1,000.5 - (x/y) & \"quotes\""]:
        assert ev.bleu_tokenize(s) == t13a(s).split(), s


def test_rouge_l_matches_rouge_score():
    scoring = pytest.importorskip("rouge_score.rouge_scorer")
    scorer = scoring.RougeScorer(["rougeL"], use_stemmer=False)
    for h, r in zip(HYPS, REFS):
        want = scorer.score(r, h)["rougeL"]          # rouge-score takes (target, prediction)
        got = ev.rouge_l(h, r)
        assert (got["p"], got["r"], got["f"]) == pytest.approx(
            (want.precision, want.recall, want.fmeasure)), (h, r)


def test_lm_nll_is_the_models_own_loss_and_perplexity_its_exp():
    m = tiny_lm()
    ids = torch.randint(0, 2048, (3 * 16 + 1,), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # one window of 17 tokens: 16 predictions, as the model's own loss
        one = m(input_ids=ids[None, :17], labels=ids[None, :17]).loss.item()
        x = torch.stack([ids[i * 16:i * 16 + 17] for i in range(3)])
        logits = m(input_ids=x[:, :-1]).logits
    assert ev.lm_nll(m, ids[:17], block=16) == pytest.approx(one, rel=1e-5)
    direct = torch.nn.functional.cross_entropy(logits.reshape(-1, 2048), x[:, 1:].reshape(-1))
    nll = ev.lm_nll(m, ids, block=16, batch_size=2)   # uneven batches: still a per-token mean
    assert nll == pytest.approx(direct.item(), rel=1e-5)
    assert ev.perplexity(nll) == pytest.approx(math.exp(nll))
    assert ev.lm_nll(m, ids, block=16, max_windows=2) > 0


# ------------------------------------------------------------------------------ the judge
class FixedJudge(torch.nn.Module):
    """A 'model' whose next-token logits always favour one token: a judge with pure position
    bias (it answers "A" whatever the answers are)."""

    def __init__(self, favour: int, vocab: int = 2048):
        super().__init__()
        self.favour, self.vocab = favour, vocab
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, input_ids):
        logits = torch.zeros(*input_ids.shape, self.vocab)
        logits[..., self.favour] = 2.0
        return type("Out", (), {"logits": logits})()


def test_judge_reads_the_letter_logits_and_swapping_exposes_position_bias(tok):
    a_id = tok.encode("A", add_special_tokens=False)[0]
    judge = FixedJudge(a_id)
    p = ev.judge_prob_a(judge, tok, "2+2?", "4", "5")
    assert p == pytest.approx(1 / (1 + math.exp(-2.0)))
    both = ev.judge_both_orders(judge, tok, "2+2?", "4", "5")
    assert both["p_x_first"] == pytest.approx(p) and both["p_x_second"] == pytest.approx(1 - p)
    assert both["p_x"] == pytest.approx(0.5) and both["consistent"] == 0.0


# ------------------------------------------------------------------------------ the mixture
def test_task_mixture_is_seeded_and_held_out_families_stay_out():
    assert not set(ft.HELD_IN) & set(ft.HELD_OUT)
    assert set(ft.HELD_IN) | set(ft.HELD_OUT) == set(ft.TASKS) == set(ft.COLLECTION)
    a, b = ft.make_examples(ft.HELD_IN, 5, seed=3), ft.make_examples(ft.HELD_IN, 5, seed=3)
    assert a == b and a != ft.make_examples(ft.HELD_IN, 5, seed=4)
    assert {e["task"] for e in a} == set(ft.HELD_IN)


@pytest.mark.parametrize("task", sorted(ft.TASKS))
def test_reference_responses_score_full_marks(task):
    rng = random.Random(0)
    for _ in range(20):
        ex = ft.make_example(task, rng)
        assert ft.score_response(ex, ex["response"]) == pytest.approx(1.0), ex
        assert ft.score_response(ex, "something else entirely") < 1.0 or task == "complete"
        assert ft.answer_form_ok(ex, ex["response"] + "<|endoftext|>"), ex
        assert not ft.answer_form_ok(ex, "[Enter PAGE.]\n\n[Enter PAGE.]"), ex
        if ex["options"]:
            assert ex["answer"] in ex["options"] and all(o in ex["instruction"] or
                                                         task == "sentiment"
                                                         for o in ex["options"])


def test_extract_answer_reads_chain_of_thought_and_plain_answers():
    assert ft.extract_answer("add_cot", "3 + 4 = 7. The answer is 7.") == "7"
    assert ft.extract_answer("add_cot", "3 + 4 = 7.") == ""
    assert ft.extract_answer("sentiment", "Positive.\nmore text") == "positive"


# ------------------------------------------------------------------------------ SFT pieces
def test_response_only_labels_agree_with_the_chat_templates_assistant_mask(tok):
    marker = tok.encode("### Response:\n")
    for ex in ft.make_examples(ft.HELD_IN + ft.HELD_OUT, 3, seed=0):
        ids, labels = ft.assistant_labels(tok, ft.to_messages(ex))
        assert ft.response_only_labels(ids, marker, tok.eos_token_id) == labels
        kept = [i for i in labels if i != -100]
        assert tok.decode(kept) == ex["response"] + tok.eos_token, "labels = response + eos"
        assert ids[:len(ids) - len(kept) - 1] == tok.encode(ft.prompt_text(tok, ex["instruction"]))


def test_response_loss_equals_transformers_loss_with_masked_labels(tok):
    m = tiny_lm()
    rows = [ft.assistant_labels(tok, ft.to_messages(e))
            for e in ft.make_examples(["sentiment", "count"], 2, seed=1)]
    ids, mask, labels = ft.pad_batch(rows, EOS)
    assert ids.shape == labels.shape == mask.shape
    assert (labels[mask == 0] == -100).all(), "padding must not be trained"
    with torch.no_grad():
        out = m(input_ids=ids, attention_mask=mask, labels=labels)
        ours = ft.response_loss(out.logits, labels)
    assert ours.item() == pytest.approx(out.loss.item(), rel=1e-5)


def test_mixed_loss_weights_new_against_original():
    a, b = torch.tensor(2.0), torch.tensor(6.0)
    assert ft.mixed_loss(a, b, 1.0).item() == 2.0 and ft.mixed_loss(a, b, 0.0).item() == 6.0
    assert ft.mixed_loss(a, b, 0.25).item() == pytest.approx(0.25 * 2 + 0.75 * 6)


def test_sft_train_lowers_the_response_loss_and_uses_replay_only_below_alpha_one(tok):
    rows = [ft.assistant_labels(tok, ft.to_messages(e))
            for e in ft.make_examples(["sentiment"], 16, seed=0)]
    m = tiny_lm()
    h = ft.sft_train(m, rows, steps=30, batch_size=8, lr=3e-3, warmup=2, progress=False,
                     device="cpu")
    assert h["task_loss"][-1] < h["task_loss"][0] - 1.0
    assert set(h["orig_loss"]) == {0.0}
    replay = torch.randint(0, 2048, (500,), generator=torch.Generator().manual_seed(0))
    h2 = ft.sft_train(tiny_lm(), rows, steps=3, batch_size=4, replay=replay, alpha=0.5,
                      replay_block=16, progress=False, device="cpu")
    assert all(o > 0 for o in h2["orig_loss"])
    assert h2["loss"][0] == pytest.approx(0.5 * h2["task_loss"][0] + 0.5 * h2["orig_loss"][0])


def test_batched_generation_matches_one_prompt_at_a_time(tok):
    m = tiny_lm(seed=1)
    prompts = ["Is this review positive or negative?\nthe cast was superb", "Count: a b",
               "Spell this word backwards: k i n g"]
    batched = ft.generate_responses(m, tok, prompts, max_new_tokens=6)
    single = [ft.generate_responses(m, tok, [p], max_new_tokens=6)[0] for p in prompts]
    assert batched == single
    assert tok.padding_side == "right", "padding side restored"


def test_task_scores_average_per_task_and_count_finished_responses():
    exs = [{"task": "count", "answer": "3"}, {"task": "count", "answer": "4"},
           {"task": "sentiment", "answer": "positive"}]
    s = ft.task_scores(exs, ["3<|endoftext|>", "5", "positive<|endoftext|>"])
    assert s == {"count": 0.5, "sentiment": 1.0, "stops": pytest.approx(2 / 3)}
    exs[2]["options"] = ["positive", "negative"]
    f = ft.task_scores(exs, ["3<|endoftext|>", "five", "Hamlet<|endoftext|>"], form=True)
    assert f == {"count": 0.5, "sentiment": 0.0, "stops": pytest.approx(2 / 3)}


def test_classifier_helpers_read_the_last_real_token(tok):
    torch.manual_seed(0)
    m = GPT2ForSequenceClassification(GPT2Config(vocab_size=2048, n_positions=64, n_embd=32,
                                                 n_layer=1, n_head=2, num_labels=2,
                                                 pad_token_id=EOS)).eval()
    texts = ["the cast was superb", "the play felt not at all dull from start to finish"]
    together = ft.predict_classes(m, tok, texts)
    alone = [ft.predict_classes(m, tok, [t])[0] for t in texts]
    assert together == alone
    batch_fn = ft.classifier_batches(tok, texts, [1, 0], batch_size=4, seed=0)
    ids, mask, y = batch_fn(0)
    assert ids.shape == mask.shape and y.shape == (4,)
    assert ft.classifier_loss(m, ids, mask, y).item() > 0


def test_python_docs_are_present_and_long():
    docs = ft.python_docs(("json", "textwrap"))
    assert set(docs) == {"json", "textwrap"}
    assert "JSON" in docs["json"] and len(docs["textwrap"]) > 1000


def test_classifier_body_is_still_the_language_model_it_came_from():
    lm = tiny_lm(seed=2)
    clf = GPT2ForSequenceClassification(lm.config).eval()
    clf.transformer.load_state_dict(lm.transformer.state_dict())
    x = torch.randint(0, 2048, (2, 12), generator=torch.Generator().manual_seed(0))
    y = torch.randint(0, 2048, (2, 12), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert ft.body_lm_loss(clf, x, y).item() == pytest.approx(ft.lm_loss(lm, x, y).item(),
                                                                  rel=1e-5)
        other = ft.body_as_lm(clf, tiny_lm(seed=3))
        assert torch.allclose(other(input_ids=x).logits, lm(input_ids=x).logits, atol=1e-5)


def test_answer_logprob_is_the_mean_log_probability_of_the_answer_tokens(tok):
    m = tiny_lm(seed=4)
    prompt = ft.prompt_text(tok, "Who wrote Hamlet?")
    p, a = tok(prompt)["input_ids"], tok("Shakespeare.")["input_ids"]
    with torch.no_grad():
        logp = torch.log_softmax(m(input_ids=torch.tensor([p + a])).logits[0], -1)
    want = sum(logp[len(p) - 1 + i, t].item() for i, t in enumerate(a)) / len(a)
    assert ev.answer_logprob(m, tok, "Who wrote Hamlet?", "Shakespeare.") == pytest.approx(want,
                                                                                      rel=1e-5)
    total = ev.answer_logprob(m, tok, "Who wrote Hamlet?", "Shakespeare.", reduce="sum")
    assert total == pytest.approx(want * len(a), rel=1e-5)
    with pytest.raises(ValueError, match="reduce"):
        ev.answer_logprob(m, tok, "Who wrote Hamlet?", "Shakespeare.", reduce="max")


def test_generated_answers_are_correct():
    for ex in ft.make_examples(["brackets", "count", "add_cot", "sub_cot"], 30, seed=5):
        text = ex["instruction"]
        if ex["task"] == "brackets":
            depth, ok = 0, True
            for c in "".join(ch for ch in text if ch in "()"):
                depth += 1 if c == "(" else -1
                ok = ok and depth >= 0
            assert ex["answer"] == ("yes" if ok and depth == 0 else "no"), text
        elif ex["task"] == "count":
            line = text.split("\n")[1] if text.startswith("How") else text[6:].split("\n")[0]
            assert int(ex["answer"]) == len(re.findall(r"[A-Za-z']+", line)), text
        else:
            a, b = (int(t) for t in re.findall(r"\d+", text))
            if text.startswith(("Add", "Take")):
                a, b = b, a           # "Add b to a's a", "Take b from a's a"
            want = a + b if ex["task"] == "add_cot" else a - b
            assert ex["answer"] == str(want), text


def test_paired_bootstrap_diff_cancels_what_the_items_share():
    g = torch.Generator().manual_seed(0)
    easy = (torch.rand(300, generator=g) < 0.5).double()     # what both methods get right
    a = torch.maximum(easy, (torch.rand(300, generator=g) < 0.2).double())
    b = easy
    mean, lo, hi = ev.paired_bootstrap_diff(a, b)
    assert math.isclose(mean, (a - b).mean().item()) and 0 < lo <= mean <= hi
    _, lo_a, hi_a = ev.bootstrap_ci(a)
    _, lo_b, hi_b = ev.bootstrap_ci(b)
    assert hi - lo < (hi_a - lo_a) + (hi_b - lo_b)           # narrower than two separate intervals
    assert ev.paired_bootstrap_diff([1, 0, 1], [1, 0, 1]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="same items"):
        ev.paired_bootstrap_diff([1, 0], [1, 0, 1])
