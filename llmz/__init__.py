"""llmz: the helper library of *LLMs from Zero to Hero*.

Each chapter adds what later chapters reuse (as d2l does with its ``#@save`` library):

- ``llmz.device``  - device, dtype and run-profile selection (all chapters)
- ``llmz.data``    - the Shakespeare corpus and seeded synthetic datasets
- ``llmz.plot``    - small plotting helpers with a consistent look
- ``llmz.grading`` - the checker that exercise test cells call (``%%graded``)
- ``llmz.rnn``     - chapter 1: n-gram and recurrent language models
- ``llmz.bpe``     - chapter 2: the course's byte-level BPE tokenizer
- ``llmz.gpt``     - chapter 3: the course's GPT (GPT-2 architecture), convertible to
  ``transformers``
- ``llmz.pretrain`` - chapter 3: the pre-training loop and the course model's recipe
- ``llmz.decoding`` - chapter 4: greedy, beam search, sampling (temperature, top-k, top-p)
- ``llmz.prompting`` - chapter 5: prompt parts, few-shot prompts, label scoring by likelihood,
  answer validation and constrained decoding
- ``llmz.finetune`` - chapter 6: a FLAN-style task mixture, response-only SFT, classifiers, replay
- ``llmz.evaluate`` - chapter 6: perplexity, classification metrics, BLEU, ROUGE-L, LLM-as-a-judge
- ``llmz.adapters`` - chapter 7: LoRA, DoRA, bottleneck adapters, soft prompts, memory accounting
- ``llmz.quantize`` - chapter 8: number formats, memory, absmax/zero-point, NF4, LLM.int8(), GPTQ
- ``llmz.rag``     - chapter 9: knowledge bases, chunking, embeddings, vector search, BM25, fusion,
  retrieval metrics, grounded prompts
- ``llmz.rlhf``    - chapter 10: preferences, reward models, PPO, DPO and GRPO
- ``llmz.inference`` - chapter 11: the KV cache from scratch, batching with left padding and
  position ids, export (``torch.export``, ONNX) and int8 inference on CPU
- ``llmz.server``  - chapter 11: a streaming HTTP service (FastAPI, uvicorn) and a load test
- ``llmz.models``  - ``load_model(name)``: the course model and the packaged pretrained ones
"""
import logging

from .device import get_device, autocast_dtype, profile, set_seed, describe_device  # noqa: F401

# bitsandbytes, which peft, trl and transformers' Trainer import, logs a warning on CPUs with
# AVX512-BF16 about an optional kernel package it cannot find; it changes nothing the course
# computes, and a chapter's output should not carry it. Errors still show.
logging.getLogger("bitsandbytes").setLevel(logging.ERROR)

__version__ = "0.1.0"


def load_model(name: str = "course", device=None, dtype=None):
    """``(model, tokenizer)``: see :func:`llmz.models.load_model`."""
    from .models import load_model as _load

    return _load(name, device=device, dtype=dtype)


def show_source(obj) -> None:
    """Display the source of a course helper in a notebook (the d2l ``#@save`` idea in reverse:
    code lives in ``llmz``, chapters show it where they explain it)."""
    import inspect

    src = inspect.getsource(obj)
    try:
        from IPython.display import Code, display

        display(Code(src, language="python"))
    except ImportError:  # pragma: no cover
        print(src)
