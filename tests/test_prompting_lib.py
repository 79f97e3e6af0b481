"""Unit tests of llmz/prompting.py: prompt building, shot selection, likelihood scoring (against
a brute-force reference), answer validation and constrained decoding. CPU only, offline, a few
seconds: a tiny random GPT-2 with the course tokenizer."""
from __future__ import annotations

import json

import pytest
import torch

from llmz import prompting
from llmz.decoding import sequence_logprob

transformers = pytest.importorskip("transformers")
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel  # noqa: E402

from llmz.models import COURSE_MODEL  # noqa: E402

SCHEMA = {"sentiment": ["positive", "negative"], "stars": [1, 2, 3, 4, 5]}


@pytest.fixture(scope="module")
def tok():
    t = AutoTokenizer.from_pretrained(COURSE_MODEL)
    if t.pad_token is None:
        t.pad_token = t.eos_token
    return t


@pytest.fixture(scope="module")
def model(tok):
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=512, n_embd=32, n_layer=2, n_head=2,
                     bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                     pad_token_id=tok.pad_token_id)
    m = GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():  # larger weights than the init: peaked, varied distributions
        for p in m.parameters():
            p.mul_(4.0) if p.dim() > 1 else None
    m.generation_config.pad_token_id = tok.pad_token_id
    return m


REVIEWS = ["the cast was superb", "the play felt rather dull tonight", "the ending was not clever",
           "the lead seemed utterly charming from start to finish", "the script was awful"]
POOL = [(r, lab) for r, lab in zip(REVIEWS * 4, ["positive", "negative", "negative",
                                                 "positive", "negative"] * 4)]


def reference_logprobs(model, tok, prompts, labels):
    out = torch.zeros(len(prompts), len(labels))
    for i, p in enumerate(prompts):
        a = tok(p)["input_ids"]
        for j, lab in enumerate(labels):
            b = tok(lab, add_special_tokens=False)["input_ids"]
            out[i, j] = sequence_logprob(model, torch.tensor([a + b]), len(a))[0]
    return out


# ------------------------------------------------------------------------------------------
# writing prompts
# ------------------------------------------------------------------------------------------
def test_compose_prompt_orders_parts_and_skips_empty_ones():
    p = prompting.compose_prompt(output_format="Bullets.", task="Explain fractions.",
                                 context="You are a teacher.", setup="  ")
    assert p == "You are a teacher.\n\nExplain fractions.\n\nBullets."
    assert prompting.compose_prompt() == ""


def test_build_messages_splits_system_and_user():
    msgs = prompting.build_messages(context="You are a teacher.", instruction="Be brief.",
                                    task="Explain fractions.", output_format="Bullets.")
    assert msgs == [{"role": "system", "content": "You are a teacher.\n\nBe brief."},
                    {"role": "user", "content": "Explain fractions.\n\nBullets."}]
    assert prompting.build_messages(task="Hi.") == [{"role": "user", "content": "Hi."}]


def test_few_shot_prompt_stops_before_the_label_without_a_space():
    p = prompting.few_shot_prompt([("good play", "positive")], "bad play", " Classify. ",
                                  template=prompting.REVIEW_SENTIMENT)
    assert p == ("Classify.\n\nReview: good play\nSentiment: positive\n\n"
                 "Review: bad play\nSentiment:")
    # the default layout is exercise 5's, and so is the argument order
    assert (prompting.few_shot_prompt([("good film", "positive")], "dull plot", "Classify the review.")
            == "Classify the review.\n\nInput: good film\nOutput: positive\n\nInput: dull plot\nOutput:")
    assert prompting.few_shot_prompt([], "x") == "Input: x\nOutput:"
    assert (prompting.few_shot_prompt([], "x", template=prompting.REVIEW_SENTIMENT)
            == "Review: x\nSentiment:")


def test_draw_shots_is_seeded_nested_and_within_budget(tok):
    a = prompting.draw_shots(POOL, "the play was fine", tok, budget=10_000, k=4, seed=3)
    assert len(a) == 4 and a == prompting.draw_shots(POOL, "the play was fine", tok, 10_000,
                                                      4, seed=3)
    assert prompting.draw_shots(POOL, "the play was fine", tok, 10_000, 2, seed=3) == a[:2]
    assert prompting.draw_shots(POOL, "the play was fine", tok, 10_000, 0) == []
    full = prompting.n_tokens(tok, prompting.few_shot_prompt(a, "the play was fine"))
    capped = prompting.draw_shots(POOL, "the play was fine", tok, budget=full - 1, k=4, seed=3)
    assert capped == a[:len(capped)] and len(capped) < 4
    assert prompting.n_tokens(tok, prompting.few_shot_prompt(capped, "the play was fine")) < full


# ------------------------------------------------------------------------------------------
# likelihood scoring
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("labels", [[" positive", " negative"], [" a", " b", " c"]])
@pytest.mark.parametrize("batch_size", [2, 32])
def test_label_logprobs_matches_brute_force(model, tok, labels, batch_size):
    shots = POOL[:3]
    prompts = [prompting.few_shot_prompt(shots, r) for r in REVIEWS]
    got = prompting.label_logprobs(model, tok, prompts, labels, batch_size=batch_size)
    torch.testing.assert_close(got, reference_logprobs(model, tok, prompts, labels),
                               atol=1e-4, rtol=1e-4)


def test_label_logprobs_without_a_shared_prefix_and_for_one_prompt(model, tok):
    prompts = ["Once upon", "KING:", "the end"]                  # nothing in common
    labels = [" a time", " Lear"]
    torch.testing.assert_close(prompting.label_logprobs(model, tok, prompts, labels),
                               reference_logprobs(model, tok, prompts, labels),
                               atol=1e-4, rtol=1e-4)
    one = prompting.label_logprobs(model, tok, "KING:", labels)   # one prompt: (L,), as exercise 5
    assert one.shape == (2,)
    torch.testing.assert_close(one, reference_logprobs(model, tok, ["KING:"], labels)[0],
                               atol=1e-4, rtol=1e-4)


def test_classify_by_likelihood_takes_the_argmax(model, tok):
    prompts = [prompting.few_shot_prompt(POOL[:2], r) for r in REVIEWS]
    labels = [" positive", " negative"]
    pred = prompting.classify_by_likelihood(model, tok, prompts, labels)
    assert pred.tolist() == reference_logprobs(model, tok, prompts, labels).argmax(-1).tolist()


# ------------------------------------------------------------------------------------------
# validation and constrained decoding
# ------------------------------------------------------------------------------------------
def test_validate_fields_accepts_a_valid_answer():
    assert prompting.validate_fields('{"sentiment": "negative", "stars": 2}', SCHEMA) == []
    assert prompting.validate_fields(' {"stars": 5, "sentiment": "positive"}\n', SCHEMA) == []


@pytest.mark.parametrize("text,needle", [
    ("Sure! Here it is", "not JSON"),
    ('```json\n{"sentiment": "positive", "stars": 4}\n```', "not JSON"),
    ('{"sentiment": "positive", "stars": 4', "not JSON"),
    ('["positive", 4]', "not a JSON object"),
    ('{"sentiment": "positive"}', "missing key 'stars'"),
    ('{"sentiment": "positive", "stars": 4, "why": "fun"}', "unexpected key 'why'"),
    ('{"sentiment": "good", "stars": 4}', "'sentiment' must be one of"),
    ('{"sentiment": "positive", "stars": "4"}', "'stars' must be one of"),
    ('{"sentiment": "positive", "stars": true}', "'stars' must be one of"),
    ('{"sentiment": "positive", "stars": 4.0}', "'stars' must be one of"),
])
def test_validate_fields_says_what_is_wrong(text, needle):
    errors = prompting.validate_fields(text, SCHEMA)
    assert errors and any(needle in e for e in errors), errors


def test_validate_fields_with_type_rules():
    schema = {"name": str, "age": int}
    assert prompting.validate_fields('{"name": "Ann", "age": 7}', schema) == []
    assert "'age' must be of type int" in prompting.validate_fields('{"name": "Ann", "age": true}',
                                                                  schema)[0]


def test_schema_options_lists_every_valid_answer():
    options = prompting.schema_options(SCHEMA)
    assert len(options) == 10 and len(set(options)) == 10
    assert all(prompting.validate_fields(o, SCHEMA) == [] for o in options)
    assert json.loads(options[0]) == {"sentiment": "positive", "stars": 1}
    with pytest.raises(ValueError):
        prompting.schema_options({"name": str})


def test_allowed_tokens_walks_the_option_tree():
    options, eos = [[1, 2, 3], [1, 2, 4], [1, 5], [6]], 99
    assert prompting.allowed_tokens([], options, eos) == [1, 6]
    assert prompting.allowed_tokens([1], options, eos) == [2, 5]
    assert prompting.allowed_tokens([1, 2], options, eos) == [3, 4]
    assert prompting.allowed_tokens([1, 5], options, eos) == [eos]           # complete
    assert prompting.allowed_tokens([7], options, eos) == [eos]              # off the tree
    assert prompting.allowed_tokens([1], options + [[1]], eos) == [2, 5, eos]  # complete or go on


def test_constrained_generate_only_emits_options(model, tok):
    options = prompting.schema_options(SCHEMA)
    prompts = ["Review: the cast was superb\nJSON:", "KING:\n", "the", "Once upon a time"]
    free = prompting.generate_text(model, tok, prompts, max_new_tokens=12)
    assert not any(f in options for f in free)            # a random model writes no JSON
    for kw in [{}, {"do_sample": True, "top_k": 0}]:
        torch.manual_seed(0)
        out = prompting.constrained_generate(model, tok, prompts, options, **kw)
        assert all(o in options for o in out), out
        assert all(prompting.validate_fields(o, SCHEMA) == [] for o in out)


def test_constrained_choice_of_one_token_labels_is_the_likelihood_argmax(model, tok):
    labels = [tok.decode([i]) for i in (300, 400, 500)]
    assert all(len(tok(lab, add_special_tokens=False)["input_ids"]) == 1 for lab in labels)
    prompts = [prompting.few_shot_prompt(POOL[:2], r) for r in REVIEWS]
    chosen = prompting.constrained_generate(model, tok, prompts, labels)
    best = prompting.classify_by_likelihood(model, tok, prompts, labels)
    assert chosen == [labels[i] for i in best.tolist()]


# ------------------------------------------------------------------------------------------
# generation helpers
# ------------------------------------------------------------------------------------------
def test_generate_text_batched_equals_one_by_one(model, tok):
    prompts = ["KING:\n", "the cast was superb and", "O"]
    batched = prompting.generate_text(model, tok, prompts, max_new_tokens=8)
    single = [prompting.generate_text(model, tok, [p], max_new_tokens=8)[0] for p in prompts]
    assert batched == single
    assert tok.padding_side == "right"                    # restored after left padding


def test_chat_applies_the_template(model, tok):
    conv = [{"role": "user", "content": "Say hi."}]
    text = tok.apply_chat_template(conv, tokenize=False, add_generation_prompt=True)
    assert prompting.chat(model, tok, [conv], max_new_tokens=6) == prompting.generate_text(
        model, tok, [text], max_new_tokens=6, chat_format=True)
