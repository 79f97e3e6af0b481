"""Unit tests of llmz/adapters.py: each PEFT module against peft on tiny random models (LoRA on
nn.Linear and GPT-2's Conv1D, rsLoRA, merging, DoRA, prompt tuning), the bottleneck adapter's
identity start, and the memory accounting against the tensors a real step allocates.
CPU, offline, a few seconds."""
from __future__ import annotations

import copy
import logging
import warnings

import pytest
import torch
import torch.nn as nn

from llmz import adapters as ad

transformers = pytest.importorskip("transformers")
peft = pytest.importorskip("peft")
from peft import LoraConfig, PromptTuningConfig, get_peft_model  # noqa: E402
from transformers import GPT2Config, GPT2ForSequenceClassification, GPT2LMHeadModel  # noqa: E402

logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
transformers.utils.logging.set_verbosity_error()
GPT2_TARGETS = ["c_attn", "c_proj", "c_fc"]
# peft reads transformers' deprecated `is_gradient_checkpointing`; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")


def tiny_gpt2(seed=0, cls=GPT2LMHeadModel, **kw):
    torch.manual_seed(seed)
    cfg = GPT2Config(vocab_size=64, n_positions=32, n_embd=16, n_layer=2, n_head=2,
                     bos_token_id=0, eos_token_id=0, pad_token_id=0, resid_pdrop=0.0,
                     embd_pdrop=0.0, attn_pdrop=0.0, **kw)
    return cls(cfg).eval()


class TwoLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 20)
        self.out = nn.Linear(20, 5)

    def forward(self, x):
        return self.out(torch.relu(self.fc(x)))


def copy_lora(peft_model, ours, adapter="default"):
    """Copy peft's A and B (and DoRA magnitudes) into our wrapped modules of the same name, then
    give B random values so the update is not zero."""
    g = torch.Generator().manual_seed(1)
    ours_mods = dict(ours.named_modules())
    n = 0
    for name, m in peft_model.named_modules():
        if hasattr(m, "lora_A") and adapter in getattr(m, "lora_A", {}):
            mine = ours_mods[name.removeprefix("base_model.model.")]
            with torch.no_grad():
                m.lora_B[adapter].weight.copy_(torch.randn(m.lora_B[adapter].weight.shape,
                                                           generator=g) * 0.3)
                mine.lora_A.copy_(m.lora_A[adapter].weight)
                mine.lora_B.copy_(m.lora_B[adapter].weight)
                if hasattr(mine, "magnitude"):
                    mine.magnitude.copy_(m.lora_magnitude_vector[adapter].weight)
            n += 1
    assert n > 0
    return n


# ------------------------------------------------------------------------------ LoRA
@pytest.mark.parametrize("use_rslora", [False, True])
def test_lora_linear_matches_peft_on_nn_linear(use_rslora):
    torch.manual_seed(0)
    base = TwoLinear()
    ref = get_peft_model(copy.deepcopy(base), LoraConfig(r=4, lora_alpha=8,
                                                        target_modules=["fc", "out"],
                                                        use_rslora=use_rslora))
    ours = copy.deepcopy(base)
    names = ad.inject_lora(ours, ["fc", "out"], r=4, alpha=8, use_rslora=use_rslora)
    assert names == ["fc", "out"]
    assert ours.fc.scaling == pytest.approx(8 / 4 ** 0.5 if use_rslora else 8 / 4)
    copy_lora(ref, ours)
    x = torch.randn(7, 12)
    torch.testing.assert_close(ours(x), ref(x))
    assert not torch.allclose(ours(x), base(x))          # the update is not zero
    # the delta weight is peft's
    torch.testing.assert_close(ad.lora_delta(ours.fc), ref.base_model.model.fc.get_delta_weight(
        "default"))


def test_lora_starts_as_the_base_model_and_is_initialised_like_peft():
    model = tiny_gpt2()
    x = torch.randint(64, (2, 9))
    before = model(input_ids=x).logits
    ad.inject_lora(model, GPT2_TARGETS, r=4, alpha=8)
    torch.testing.assert_close(model(input_ids=x).logits, before)   # B = 0
    layer = model.transformer.h[0].attn.c_attn
    assert torch.count_nonzero(layer.lora_B) == 0
    bound = 1 / layer.in_features ** 0.5                  # kaiming_uniform(a=sqrt(5)) bound
    assert layer.lora_A.abs().max() <= bound and layer.lora_A.std() > bound / 3


@pytest.mark.parametrize("use_rslora", [False, True])
def test_inject_lora_on_conv1d_matches_peft_names_counts_and_outputs(use_rslora):
    base = tiny_gpt2(cls=GPT2ForSequenceClassification, num_labels=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = get_peft_model(copy.deepcopy(base), LoraConfig(
            r=4, lora_alpha=16, target_modules=GPT2_TARGETS, fan_in_fan_out=True,
            use_rslora=use_rslora, task_type="SEQ_CLS"))
    assert not [w for w in caught if "fan_in_fan_out" in str(w.message)]   # Conv1D: set it
    ours = copy.deepcopy(base)
    names = ad.inject_lora(ours, GPT2_TARGETS, r=4, alpha=16, use_rslora=use_rslora,
                           trainable=["score"])
    ref_names = [n.removeprefix("base_model.model.") for n, m in ref.named_modules()
                 if isinstance(m, peft.tuners.lora.LoraLayer)]
    assert names == ref_names
    assert ad.count_parameters(ours)[0] == ref.get_nb_trainable_parameters()[0]
    copy_lora(ref, ours)
    with torch.no_grad():   # the same classification head in both
        ref.base_model.model.score.modules_to_save["default"].weight.copy_(ours.score.weight)
    x = torch.randint(1, 64, (3, 10))
    torch.testing.assert_close(ours(input_ids=x).logits, ref(input_ids=x).logits)


def test_merge_and_unmerge_keep_the_outputs_and_restore_the_weights():
    model = tiny_gpt2()
    orig = {k: v.clone() for k, v in model.state_dict().items()}
    ad.inject_lora(model, GPT2_TARGETS, r=4, alpha=8)
    g = torch.Generator().manual_seed(0)
    for m in model.modules():
        if isinstance(m, ad.LoRALinear):
            with torch.no_grad():
                m.lora_B.copy_(torch.randn(m.lora_B.shape, generator=g) * 0.2)
    x = torch.randint(64, (2, 11))
    unmerged = model(input_ids=x).logits
    for m in model.modules():
        if isinstance(m, ad.LoRALinear):
            m.merge()
    torch.testing.assert_close(model(input_ids=x).logits, unmerged, atol=1e-5, rtol=1e-5)
    for m in model.modules():
        if isinstance(m, ad.LoRALinear):
            m.unmerge()
    w = model.transformer.h[0].attn.c_attn.base.weight
    torch.testing.assert_close(w, orig["transformer.h.0.attn.c_attn.weight"])
    plain = ad.merge_lora(model)
    assert not any(isinstance(m, ad.LoRALinear) for m in plain.modules())
    assert set(plain.state_dict()) == set(orig)
    torch.testing.assert_close(plain(input_ids=x).logits, unmerged, atol=1e-5, rtol=1e-5)


def test_merge_lora_matches_peft_merge_and_unload():
    base = tiny_gpt2()
    ref = get_peft_model(copy.deepcopy(base), LoraConfig(r=2, lora_alpha=4,
                                                        target_modules=GPT2_TARGETS,
                                                        fan_in_fan_out=True))
    ours = copy.deepcopy(base)
    ad.inject_lora(ours, GPT2_TARGETS, r=2, alpha=4)
    copy_lora(ref, ours)
    a = ad.merge_lora(ours).state_dict()
    b = ref.merge_and_unload().state_dict()
    for k in b:
        torch.testing.assert_close(a[k], b[k])


# ------------------------------------------------------------------------------ DoRA
@pytest.mark.parametrize("conv1d", [False, True])
def test_dora_matches_peft_use_dora(conv1d):
    if conv1d:
        base, targets, x = tiny_gpt2(), GPT2_TARGETS, torch.randint(64, (2, 8))
        kw = {"fan_in_fan_out": True}
        run = lambda m: m(input_ids=x).logits       # noqa: E731
    else:
        torch.manual_seed(0)
        base, targets, x, kw = TwoLinear(), ["fc", "out"], torch.randn(6, 12), {}
        run = lambda m: m(x)                        # noqa: E731
    ref = get_peft_model(copy.deepcopy(base), LoraConfig(r=4, lora_alpha=8,
                                                        target_modules=targets, use_dora=True,
                                                        **kw))
    ours = copy.deepcopy(base)
    ad.inject_lora(ours, targets, r=4, alpha=8, dora=True)
    torch.testing.assert_close(run(ours), run(base))                 # B = 0: unchanged
    first = next(m for m in ours.modules() if isinstance(m, ad.DoRALinear))
    ref_first = next(m for m in ref.modules() if hasattr(m, "lora_magnitude_vector")
                     and "default" in m.lora_magnitude_vector)
    torch.testing.assert_close(first.magnitude,
                               ref_first.lora_magnitude_vector["default"].weight)
    copy_lora(ref, ours)
    with torch.no_grad():        # move the magnitudes too
        for m in ours.modules():
            if isinstance(m, ad.DoRALinear):
                m.magnitude.mul_(1.1)
        for m in ref.modules():
            if hasattr(m, "lora_magnitude_vector") and "default" in m.lora_magnitude_vector:
                m.lora_magnitude_vector["default"].weight.mul_(1.1)
    torch.testing.assert_close(run(ours), run(ref))
    assert ad.count_parameters(ours)[0] == ref.get_nb_trainable_parameters()[0]
    merged = run(ad.merge_lora(copy.deepcopy(ours)))
    torch.testing.assert_close(merged, run(ref), atol=1e-5, rtol=1e-5)


def test_dora_gradient_treats_the_norm_as_constant():
    torch.manual_seed(0)
    layer = ad.DoRALinear(nn.Linear(6, 4), r=2, alpha=2)
    with torch.no_grad():
        layer.lora_B.normal_()
    layer(torch.randn(3, 6)).sum().backward()
    assert layer.magnitude.grad is not None and layer.lora_A.grad is not None
    assert layer.base.weight.grad is None


# ------------------------------------------------------------------------------ adapters
def test_bottleneck_adapters_start_as_identity_and_train_only_themselves():
    model = tiny_gpt2(cls=GPT2ForSequenceClassification, num_labels=2)
    x = torch.randint(1, 64, (2, 7))
    before = model(input_ids=x).logits
    names = ad.add_adapters(model, bottleneck=3, trainable=["score"])
    assert names == [f"transformer.h.{i}.{p}" for i in range(2) for p in ("attn", "mlp")]
    torch.testing.assert_close(model(input_ids=x).logits, before)
    trainable, total = ad.count_parameters(model)
    per_adapter = 16 * 3 + 3 + 3 * 16 + 16
    assert trainable == 4 * per_adapter + 16 * 2
    model.train()
    model(input_ids=x, labels=torch.tensor([0, 1])).loss.backward()
    adapter = model.transformer.h[0].attn.adapter
    assert adapter.down.weight.grad is None or adapter.down.weight.grad.abs().sum() == 0
    assert adapter.up.weight.grad.abs().sum() > 0           # up gets gradient first
    assert model.transformer.wte.weight.grad is None


# ------------------------------------------------------------------------------ soft prompts
def test_soft_prompt_matches_peft_prompt_tuning():
    base = tiny_gpt2()
    ref = get_peft_model(copy.deepcopy(base), PromptTuningConfig(task_type="CAUSAL_LM",
                                                                 num_virtual_tokens=5))
    ours = ad.SoftPrompt(copy.deepcopy(base), 5)
    with torch.no_grad():
        ours.prompt.copy_(ref.prompt_encoder["default"].embedding.weight)
    x = torch.randint(1, 64, (3, 6))
    mask = torch.ones_like(x)
    mask[0, -2:] = 0
    labels = x.clone()
    labels[0, -2:] = -100
    a = ours(input_ids=x, attention_mask=mask, labels=labels)
    b = ref(input_ids=x, attention_mask=mask, labels=labels)
    assert a.logits.shape == (3, 5 + 6, 64)
    torch.testing.assert_close(a.logits, b.logits)
    torch.testing.assert_close(a.loss, b.loss)
    assert ad.count_parameters(ours)[0] == 5 * 16 == ref.get_nb_trainable_parameters()[0]


def test_soft_prompt_text_init_uses_the_token_embeddings():
    base = tiny_gpt2()
    sp = ad.SoftPrompt(base, 5, init_ids=[3, 4])
    torch.testing.assert_close(sp.prompt.data, base.transformer.wte.weight[[3, 4, 3, 4, 3]])


# ------------------------------------------------------------------------------ memory
def test_step_memory_matches_the_accounting_for_full_and_lora():
    full = tiny_gpt2(cls=GPT2ForSequenceClassification, num_labels=2)
    lora = copy.deepcopy(full)
    ad.inject_lora(lora, GPT2_TARGETS, r=2, alpha=4, trainable=["score"])
    batch = (torch.randint(1, 64, (4, 8)), torch.ones(4, 8, dtype=torch.long),
             torch.tensor([0, 1, 0, 1]))
    loss = lambda m, i, a, y: m(input_ids=i, attention_mask=a, labels=y).loss  # noqa: E731
    for model in (full, lora):
        trainable, total = ad.count_parameters(model)
        measured = ad.step_memory(model, batch, loss)
        accounted = ad.finetune_memory(total, trainable)
        for key in ("weights", "gradients", "optimizer"):
            assert measured[key] == accounted[key], key
        assert measured["activations"] > 0
    assert ad.finetune_memory(10, 10)["total"] == 16 * 10


def test_meta_llama_7b_has_the_published_parameter_count():
    model = ad.meta_llama()
    assert ad.count_parameters(model)[1] == 6_738_415_616
    names = ad.inject_lora(model, ["q_proj", "v_proj"], r=8)
    assert len(names) == 64
    assert ad.count_parameters(model)[0] == 64 * 8 * (4096 + 4096)


def test_dir_bytes(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 5)
    assert ad.dir_bytes(tmp_path) == 15


# ------------------------------------------------------------------------------ training helpers
@pytest.fixture(scope="module")
def tok():
    from transformers import AutoTokenizer

    from llmz.models import COURSE_MODEL
    return AutoTokenizer.from_pretrained(COURSE_MODEL)


def tiny_course_classifier(tok, seed=0):
    torch.manual_seed(seed)
    cfg = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=16, n_layer=2, n_head=2,
                     num_labels=2, bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                     pad_token_id=tok.eos_token_id)
    return GPT2ForSequenceClassification(cfg).eval()


TEXTS = ["the cast was superb", "the play felt utterly dull tonight", "ok", "the lead seemed "
         "rather clumsy from start to finish", "the staging was not boring overall"]


def test_predict_matches_chapter6_and_left_padding_reads_the_last_token(tok):
    from llmz import finetune as ft

    model = tiny_course_classifier(tok)
    assert ad.predict(model, tok, TEXTS, batch_size=2) == ft.predict_classes(model, tok, TEXTS)
    with torch.no_grad():
        model.transformer.wpe.weight.zero_()    # no positions: left and right padding agree
        ids, mask = ft.encode_texts(tok, TEXTS)
        right = model(input_ids=ids, attention_mask=mask).logits
    old = tok.padding_side
    tok.padding_side = "left"
    enc = tok(TEXTS, return_tensors="pt", padding=True)
    tok.padding_side = old
    with torch.no_grad():
        left = model(**enc).logits
    torch.testing.assert_close(left, right, atol=1e-5, rtol=1e-5)
    assert ad.predict(model, tok, TEXTS, side="left") == ad.predict(model, tok, TEXTS)


def test_padded_batches_trim_to_the_longest_text_of_the_batch(tok):
    labels = [1, 0, 1, 0, 1]
    for side in ("right", "left"):
        batch = ad.padded_batches(tok, TEXTS, labels, batch_size=3, seed=0, side=side)
        for step in range(4):
            ids, mask, y = batch(step)
            assert ids.shape == mask.shape and y.shape == (3,)
            assert mask.sum(1).max() == ids.shape[1]           # no all-padding column
            col = -1 if side == "left" else 0
            assert bool(mask[:, col].all())                    # the text's end (or start) is there


def test_lm_with_body_runs_the_peft_body_under_the_lm_head():
    clf = tiny_gpt2(cls=GPT2ForSequenceClassification, num_labels=2)
    lm = tiny_gpt2()                                 # the same seed: the same body weights
    x = torch.randint(1, 64, (2, 9))
    with torch.no_grad():
        want = lm(input_ids=x).logits
    ad.inject_lora(clf, GPT2_TARGETS, r=2, trainable=["score"])
    shell = ad.lm_with_body(clf, copy.deepcopy(lm))
    with torch.no_grad():
        torch.testing.assert_close(shell(input_ids=x).logits, want)    # B = 0: unchanged
        clf.transformer.h[0].attn.c_attn.lora_B.fill_(0.1)
        assert not torch.allclose(shell(input_ids=x).logits, want)     # the LoRA layers count


def test_keep_4bit_trainable_evaluate_then_train():
    """A 4-bit model evaluated without gradients, then trained through LoRA (chapter 7's order):
    on CPUs with AVX512-BF16 bitsandbytes 0.50 would repack the weights at the evaluation and
    the backward pass would fail."""
    pytest.importorskip("bitsandbytes")
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForSequenceClassification, BitsAndBytesConfig

    from llmz.models import COURSE_MODEL

    nf4 = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                             bnb_4bit_compute_dtype=torch.float32)
    model = AutoModelForSequenceClassification.from_pretrained(
        COURSE_MODEL, num_labels=2, quantization_config=nf4, device_map={"": "cpu"})
    assert ad.keep_4bit_trainable(model) is model
    layers = [m for m in model.modules() if type(m).__name__ == "Linear4bit"]
    assert layers and all(not m.support_avx512bf16_for_cpu for m in layers)
    ids = torch.randint(0, 100, (2, 8))
    with torch.no_grad():
        before = model(input_ids=ids).logits
    model = get_peft_model(prepare_model_for_kbit_training(model, use_gradient_checkpointing=False),
                           LoraConfig(r=4, target_modules=["c_attn"], task_type="SEQ_CLS"))
    model.train()
    model(input_ids=ids).logits.sum().backward()
    grads = [p.grad for n, p in model.named_parameters() if "lora_B" in n]
    assert grads and all(g is not None for g in grads)
    assert torch.isfinite(before).all()
