"""The checker behind every exercise test cell: the ``%%graded`` cell magic.

Two ways a test cell runs
-------------------------
*Practising* (Jupyter, Colab): ``%%graded fn1 fn2 --forbid torch.nn.RNNCell`` sends the cell's
body to a **checker process**: a fresh Python (``-I``, clean directory) that never executes learner
code. There ``fn1`` and ``fn2`` are proxies: calling one sends the arguments to the notebook
kernel, which runs the learner's function and sends back plain data (tensors, arrays, numbers,
strings, lists, tuples, dicts, sets), decoded with ``torch.load(weights_only=True)``, which cannot
run code. Oracles and comparisons therefore use untouched libraries, whatever the learner's cells
did to ``torch.allclose`` in the kernel.

*Graded* (``python -m autograder grade``): the kernel never sees a test body. Each test cell
arrives as a reference, ``%%graded --ref test_x``; the magic asks the grader's own checker
service (started by the grade command, outside the learner's sandbox, under another uid) to run
cell ``test_x``. The service reads the body from the source notebook, calls the learner's
functions through the same proxies, and writes the verdict where the kernel cannot write. The
grade comes from those records only: what the kernel prints is display. A persistent profiler and
an audit hook, installed before any learner code runs (``llmz.guard``), report calls of forbidden
functions to the service through a pipe; learner code can neither remove them (the audit hook
refuses ``sys.setprofile``/``sys.settrace``) nor read their tables.

Every call the checker makes also checks that the learner's function left its arguments
unchanged (unless the magic line says ``--allow-mutation``), and results keep their type: a numpy
array comes back as a numpy array, a tensor remembers whether it carries a gradient
(``has_grad(x)``), and ``grads_of(fn, *args, wrt=(0,))`` back-propagates through the learner's
function in the kernel and returns the gradients.

In the cell body these names are predefined: ``expect``, ``expect_equal``, ``expect_close``,
``expect_shape``, ``expect_tensor``, ``has_grad``, ``grads_of``, ``torch``, ``np``, and whatever
the notebook's ``%%checker_helpers`` cell defines (shared test helpers, written once; they run in
the checker before each body, and a graded run reads them from the exercise source).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import random
import select
import shlex
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

__all__ = ["GradingError", "expect", "expect_equal", "expect_close", "expect_shape",
           "expect_tensor", "has_grad"]

_PYTHON = sys.executable  # captured before any learner code runs
_CALL_TIMEOUT = float(os.environ.get("LLMZ_CHECK_TIMEOUT", "120"))


class GradingError(AssertionError):
    """A graded check failed; the message names the concept that is wrong."""

    def _render_traceback_(self):  # IPython shows just the message, no checker internals
        return [f"GradingError: {self}"]


# --------------------------------------------------------------------------------------------
# Assertions used inside %%graded bodies (they run in the checker process)
# --------------------------------------------------------------------------------------------

def expect(condition, concept: str) -> None:
    """Fail with ``concept`` unless ``condition`` holds."""
    if not condition:
        raise GradingError(concept)


def _short(x, limit=200) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[:limit] + "..."


def expect_equal(actual, expected, concept: str) -> None:
    """Exact equality (ints, strings, lists, dicts...)."""
    if actual != expected:
        raise GradingError(f"{concept}\n  expected: {_short(expected)}\n  got:      {_short(actual)}")


def expect_shape(actual, shape, concept: str) -> None:
    """A tensor (not an array or a list) has exactly ``shape``."""
    import torch

    if not isinstance(actual, torch.Tensor):
        raise GradingError(f"{concept}: expected a tensor, got {type(actual).__name__}")
    if tuple(actual.shape) != tuple(shape):
        raise GradingError(f"{concept}: expected shape {tuple(shape)}, got {tuple(actual.shape)}")


def expect_tensor(actual, concept: str, shape=None, dtype=None, grad: bool | None = None) -> None:
    """A ``torch.Tensor`` (not a numpy array, list or float) with this shape, dtype, and (when
    ``grad`` is given) with or without a gradient attached."""
    import torch

    if not isinstance(actual, torch.Tensor):
        raise GradingError(f"{concept}: expected a torch.Tensor, got {type(actual).__name__}")
    if shape is not None and tuple(actual.shape) != tuple(shape):
        raise GradingError(f"{concept}: expected shape {tuple(shape)}, got {tuple(actual.shape)}")
    if dtype is not None and actual.dtype != dtype:
        raise GradingError(f"{concept}: expected dtype {dtype}, got {actual.dtype}")
    if grad is True and not has_grad(actual):
        raise GradingError(f"{concept}: the result carries no gradient (computed under "
                           "torch.no_grad(), detached, or rebuilt from numbers?), so nothing can "
                           "be trained through it")
    if grad is False and has_grad(actual):
        raise GradingError(f"{concept}: the result should be detached from the graph")


def has_grad(x) -> bool:
    """Whether the learner's tensor required a gradient when their function returned it."""
    return bool(getattr(x, "_llmz_requires_grad", False))


def expect_close(actual, expected, concept: str, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """Numbers or tensors agree within ``atol + rtol*|expected|``; shape first, then values."""
    import torch

    exp = torch.as_tensor(expected).detach().to(torch.float64)
    try:
        act = torch.as_tensor(actual).detach().to(torch.float64)
    except Exception:
        raise GradingError(f"{concept}: expected a number or tensor, got "
                           f"{type(actual).__name__}") from None
    if tuple(act.shape) != tuple(exp.shape):
        raise GradingError(f"{concept}: expected shape {tuple(exp.shape)}, got {tuple(act.shape)}")
    if not torch.isfinite(act).all() and torch.isfinite(exp).all():
        raise GradingError(f"{concept}: the result contains NaN or inf")
    diff = (act - exp).abs()
    bad = diff > atol + rtol * exp.abs()
    if bad.any():
        worst = int(diff.reshape(-1).argmax())
        raise GradingError(
            f"{concept}\n  {int(bad.sum())} of {exp.numel()} values differ; largest difference "
            f"{float(diff.reshape(-1)[worst]):.3g} (expected {float(exp.reshape(-1)[worst]):.6g}, "
            f"got {float(act.reshape(-1)[worst]):.6g})")


# --------------------------------------------------------------------------------------------
# Wire format: length-prefixed frames. Kernel -> checker data goes through torch.save/load with
# weights_only=True; checker -> kernel messages are pickled (the checker is trusted).
# --------------------------------------------------------------------------------------------

_MAX_FRAME = 256 << 20


def _send(fh, kind: str, payload: bytes = b"") -> None:
    head = kind.encode()
    fh.write(struct.pack(">II", len(head), len(payload)) + head + payload)
    fh.flush()


def _recv_exact(fd: int, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("the checker did not answer in time")
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("the checker process ended unexpectedly")
        buf += chunk
    return bytes(buf)


def _recv(fd: int, deadline: float | None = None) -> tuple[str, bytes]:
    nh, np_ = struct.unpack(">II", _recv_exact(fd, 8, deadline))
    if nh > 64 or np_ > _MAX_FRAME:
        raise EOFError("malformed message on the checker channel")
    head = _recv_exact(fd, nh, deadline).decode("ascii", "replace")
    return head, _recv_exact(fd, np_, deadline)


def _to_safe(obj, depth=0):
    """Learner results -> types that torch.load(weights_only=True) accepts, keeping the type."""
    import numpy as np
    import torch

    if depth > 50:
        raise TypeError("the result is nested too deeply")
    if obj is None or type(obj) in (bool, int, float, str, bytes):
        return obj
    for plain in (int, float, str, bytes):  # subclasses (enums, str subclasses) as plain values
        if isinstance(obj, plain):
            return plain(obj)
    if isinstance(obj, torch.Tensor):
        t = obj.detach().cpu().clone()
        return {"__llmz_tensor__": t, "grad": bool(obj.requires_grad)} if obj.requires_grad else t
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise TypeError("the function returned a numpy array of Python objects")
        return {"__llmz_ndarray__": torch.from_numpy(np.ascontiguousarray(obj)).clone()}
    if isinstance(obj, np.generic):
        return {"__llmz_npscalar__": obj.item(), "dtype": str(obj.dtype)}
    if isinstance(obj, dict):
        return {"__llmz_dict__": [(_to_safe(k, depth + 1), _to_safe(v, depth + 1))
                                  for k, v in obj.items()]}
    if isinstance(obj, (set, frozenset)):
        return {"__llmz_set__": [_to_safe(v, depth + 1) for v in obj]}
    if isinstance(obj, tuple):
        return tuple(_to_safe(v, depth + 1) for v in obj)
    if isinstance(obj, list):
        return [_to_safe(v, depth + 1) for v in obj]
    raise TypeError(f"the function returned a {type(obj).__name__}, which the checker cannot "
                    "compare: return tensors, numbers, strings, lists, tuples, sets or dicts")


_NODE_BUDGET = 2_000_000  # values a learner's result may unpack into in the checker


def _from_safe(obj, _budget=None):
    """Rebuild a result; a result that unpacks into more than ``_NODE_BUDGET`` values (shared
    sub-lists repeated millions of times) is refused instead of exhausting the checker."""
    if _budget is None:
        _budget = [_NODE_BUDGET]
    _budget[0] -= 1
    if _budget[0] < 0:
        raise TypeError("the result is too large: it unpacks into more than "
                        f"{_NODE_BUDGET:,} values")
    return _from_safe_node(obj, _budget)


def _from_safe_node(obj, _budget):
    import numpy as np

    if isinstance(obj, dict):
        if "__llmz_dict__" in obj:
            return {_from_safe(k, _budget): _from_safe(v, _budget) for k, v in obj["__llmz_dict__"]}
        if "__llmz_set__" in obj:
            return set(_from_safe(v, _budget) for v in obj["__llmz_set__"])
        if "__llmz_tensor__" in obj:
            t = obj["__llmz_tensor__"]
            t._llmz_requires_grad = bool(obj.get("grad"))
            return t
        if "__llmz_ndarray__" in obj:
            return obj["__llmz_ndarray__"].numpy()
        if "__llmz_npscalar__" in obj:
            return np.array(obj["__llmz_npscalar__"], dtype=obj["dtype"])[()]
        return {_from_safe(k, _budget): _from_safe(v, _budget) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_from_safe(v, _budget) for v in obj)
    if isinstance(obj, list):
        return [_from_safe(v, _budget) for v in obj]
    return obj


# --------------------------------------------------------------------------------------------
# Forbidden functions: which objects a dotted name means, with the aliases that compute the
# same thing (private entry points, C kernels) and the course's own helpers that solve a task.
# --------------------------------------------------------------------------------------------

ALIASES = {
    "torch.nn.functional.cross_entropy": ["torch._C._nn.cross_entropy_loss",
                                          "torch._C._nn.nll_loss_nd", "torch._C._nn.nll_loss",
                                          "torch._C._nn.nll_loss2d"],
    "torch.nn.functional.nll_loss": ["torch._C._nn.nll_loss_nd", "torch._C._nn.nll_loss",
                                     "torch._C._nn.nll_loss2d"],
    "torch.nn.CrossEntropyLoss": ["torch._C._nn.cross_entropy_loss"],
    "torch.nn.NLLLoss": ["torch._C._nn.nll_loss_nd"],
    "torch.nn.RNNCell": ["torch.rnn_tanh_cell", "torch.rnn_relu_cell", "torch._VF.rnn_tanh_cell"],
    "torch.nn.RNN": ["torch.rnn_tanh", "torch.rnn_relu", "torch._VF.rnn_tanh"],
    "torch.nn.functional.scaled_dot_product_attention": [
        "torch._C._nn.scaled_dot_product_attention", "torch._scaled_dot_product_attention_math",
        "torch._scaled_dot_product_flash_attention_for_cpu", "torch._fused_sdp_choice",
        "torch._scaled_dot_product_efficient_attention"],
    "torch.nn.functional.multi_head_attention_forward": ["torch._native_multi_head_attention"],
    "torch.nn.functional.cosine_similarity": ["torch.cosine_similarity"],
}

# the course's own helpers that implement a task, by task function name
IMPLIED = {
    "bigram_lm": ["llmz.rnn.NGramLM"],
    "perplexity": ["llmz.rnn.NGramLM.perplexity", "llmz.rnn.evaluate_lm", "llmz.rnn.lm_loss"],
    "rnn_cell": ["llmz.rnn.RNNCellScratch", "llmz.rnn.run_recurrent", "llmz.rnn.make_cell"],
    "rnn_forward": ["llmz.rnn.RNNCellScratch", "llmz.rnn.run_recurrent", "llmz.rnn.make_cell"],
    "hidden_grad_norms": ["llmz.rnn.grad_norms_through_time"],
    "teacher_forcing_loss": ["llmz.rnn.lm_loss", "torch.nn.functional.cross_entropy"],
    "word_vocab": ["llmz.bpe.WordTokenizer"],
    "word_encode": ["llmz.bpe.WordTokenizer"],
    "pair_counts": ["llmz.bpe.pair_counts", "llmz.bpe.train_naive", "llmz.bpe.train_fast"],
    "merge": ["llmz.bpe.merge", "llmz.bpe.train_naive", "llmz.bpe.train_fast"],
    "bpe_train": ["llmz.bpe.train_naive", "llmz.bpe.train_fast", "llmz.bpe.BPETokenizer",
                  "llmz.bpe.train_course_tokenizer", "llmz.bpe.pair_counts", "llmz.bpe.merge"],
    "bpe_encode": ["llmz.bpe.BPETokenizer", "llmz.bpe.merge", "llmz.bpe.load_course_tokenizer"],
    "bpe_decode": ["llmz.bpe.BPETokenizer", "llmz.bpe.load_course_tokenizer"],
    "cosine_nearest": ["llmz.bpe.cosine_similarity", "llmz.bpe.nearest_neighbours"],
    "scaled_dot_product_attention": ["llmz.gpt.CausalSelfAttention"],
    "multi_head_attention": ["llmz.gpt.CausalSelfAttention", "llmz.gpt.Block"],
    "causal_lm_loss": ["llmz.gpt.GPT.forward"],
    "greedy_decode": ["llmz.rnn.Seq2Seq.greedy_decode"],
    # 07_peft: the chapter's modules do each task's maths
    "lora_forward": ["llmz.adapters.LoRALinear", "llmz.adapters.lora_delta",
                     "llmz.adapters.inject_lora", "llmz.adapters._delta_out_in"],
    "lora_merge": ["llmz.adapters.LoRALinear", "llmz.adapters.lora_delta",
                   "llmz.adapters.merge_lora", "llmz.adapters._delta_out_in"],
    "lora_targets": ["llmz.adapters.inject_lora", "llmz.adapters.LoRALinear",
                     "llmz.adapters.count_parameters", "llmz.adapters._matches"],
    "soft_prompt_inputs": ["llmz.adapters.SoftPrompt"],
    "dora_forward": ["llmz.adapters.DoRALinear", "llmz.adapters.LoRALinear",
                     "llmz.adapters.lora_delta"],
    "adapter_init": ["llmz.adapters.BottleneckAdapter", "llmz.adapters.add_adapters"],
    "adapter_forward": ["llmz.adapters.BottleneckAdapter", "llmz.adapters.add_adapters",
                        "llmz.adapters._WithAdapter"],
    # 08_quantization
    "absmax_quantize": ["llmz.quantize.absmax_quantize", "llmz.quantize.blockwise_quantize",
                        "llmz.quantize.rtn_quantize_model", "llmz.quantize.fake_quantize"],
    "zero_point_quantize": ["llmz.quantize.zero_point_quantize", "llmz.quantize.fake_quantize"],
    "nf4_code": ["llmz.quantize.nf4_code"],
    "nf4_quantize": ["llmz.quantize.nf4_quantize", "llmz.quantize.nf4_code",
                     "llmz.quantize.blockwise_quantize"],
    "nf4_dequantize": ["llmz.quantize.nf4_dequantize", "llmz.quantize.nf4_code"],
    "int8_matmul": ["llmz.quantize.int8_matmul", "llmz.quantize.absmax_quantize"],
    "gptq_quantize": ["llmz.quantize.gptq_quantize", "llmz.quantize.rtn_quantize_model",
                      "llmz.quantize._minmax_grid", "llmz.quantize.gptq_quantize_model"],
}


def _resolve(dotted: str):
    """The object a dotted name means (importing the longest importable prefix), or None."""
    import importlib

    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - a missing optional package forbids nothing
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except AttributeError:
            return None
        return obj
    return None


def expand_forbid(forbid: list[str], names: list[str] = ()) -> list[str]:
    """A test cell's forbid list with aliases and the course helpers implied by its tasks."""
    out = list(forbid)
    for f in forbid:
        out += ALIASES.get(f, [])
        if f.startswith("torch.nn.functional."):
            out.append("torch._C._nn." + f.rsplit(".", 1)[1])
    for n in names:
        out += IMPLIED.get(n, [])
    for f in list(out):  # the same C kernels through the dispatcher and the _VF module
        last = f.rsplit(".", 1)[-1]
        if f.startswith("torch.") and not f.startswith("torch.ops.") and last[:1].islower():
            out += [f"torch.ops.aten.{last}", f"torch._VF.{last}"]
    seen, uniq = set(), []
    for f in out:
        if f not in seen:
            seen.add(f)
            uniq.append(f)
    return uniq


_GLOB = "*?["


def _glob_places(pattern: str) -> dict[str, dict[int, str]]:
    """{module name: {first line: pattern}} of every function, and every method of every class,
    whose dotted name matches ``pattern`` (``fnmatch`` syntax in the module part and the last
    part: ``transformers.models.*.modeling_*.apply_rotary_pos_emb`` is each model's own copy of
    the same function). Found in the source files, without importing the modules; a decorated
    function gets both its decorator's and its ``def`` line (``co_firstlineno`` is the first)."""
    import ast
    import fnmatch
    import importlib.util
    import re
    from pathlib import Path

    parts = pattern.split(".")
    k = next((i for i, p in enumerate(parts) if any(ch in p for ch in _GLOB)), len(parts))
    if k == 0 or len(parts) < 2:
        return {}
    base, mod_pat, name_pat = ".".join(parts[:k]), ".".join(parts[:-1]), parts[-1]
    try:
        spec = importlib.util.find_spec(base if k < len(parts) - 1 else ".".join(parts[:-2]))
    except (ImportError, ValueError):
        return {}
    if spec is None:
        return {}
    roots = list(spec.submodule_search_locations or [])
    pkg = spec.name
    head = re.compile(r"^(?:async\s+)?(?:def|class)\s+(" + fnmatch.translate(name_pat)
                      .removeprefix("(?s:").removesuffix(")\\Z") + r")\b", re.M)
    out: dict[str, dict[int, str]] = {}

    def first_line(lines, i):  # 0-based index of the def -> 1-based first decorator line
        j = i
        while j > 0 and lines[j - 1].lstrip().startswith("@"):
            j -= 1
        return {j + 1, i + 1}

    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("").parts
            module = ".".join((pkg, *rel)).removesuffix(".__init__")
            if not fnmatch.fnmatchcase(module, mod_pat):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not head.search(text):
                continue
            lines = text.splitlines()
            for i, line in enumerate(lines):
                m = head.match(line)
                if not m or not fnmatch.fnmatchcase(m.group(1), name_pat):
                    continue
                found = out.setdefault(module, {})
                if not line.lstrip().startswith("class"):
                    for n in first_line(lines, i):
                        found[n] = pattern
                    continue
                # a class: its methods, not the class line (the class body runs, as a call at
                # that line, when the module is imported, which is no use of the class)
                end = next((j for j in range(i + 1, len(lines)) if lines[j][:1] not in
                            ("", " ", "\t", "#", ")")), len(lines))
                try:
                    body = ast.parse("\n".join(lines[i:end]))
                except SyntaxError:
                    continue
                for node in body.body[0].body if body.body else []:
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        for n in first_line(lines, i + node.lineno - 1):
                            found[n] = pattern
    return out


def _targets(dotted: list[str], with_places: bool = False):
    """(code-object ids, C-callable ids, (type, method-name) pairs) -> the forbidden name; with
    ``with_places`` instead (C callables with their names, the method pairs, and
    {module name: {first line: name}}), which the graded kernel's guard matches without
    ``frame.f_code`` or ``id()``: both raise audit events, and so cost an audit-hook call."""
    import inspect

    codes, cfuncs, methods = {}, {}, {}
    places: dict[str, dict[int, str]] = {}  # module name -> def line -> name
    cobjs: list[tuple] = []
    for name in dotted:
        if any(ch in name for ch in _GLOB):  # a pattern: matched by place, never imported
            for module, lines in _glob_places(name).items():
                places.setdefault(module, {}).update(lines)
            continue
        obj = _resolve(name)
        if obj is None:
            continue
        objs = [v for v in vars(obj).values() if callable(v) or isinstance(v, (staticmethod,
                classmethod, property))] if isinstance(obj, type) else [obj]
        if isinstance(obj, type):
            objs.append(obj)
        for t in objs:
            if isinstance(t, (staticmethod, classmethod)):
                t = t.__func__
            if isinstance(t, property):
                t = t.fget
            if t is None:
                continue
            try:
                t = inspect.unwrap(t)
            except Exception:  # noqa: BLE001
                pass
            code = getattr(t, "__code__", None)
            if code is not None:
                codes[id(code)] = name
                module = t.__globals__.get("__name__", "")
                places.setdefault(module, {})[code.co_firstlineno] = name
            else:
                cfuncs[id(t)] = name
                cobjs.append((t, name))
                owner = getattr(t, "__objclass__", None)  # a C method descriptor
                if isinstance(owner, type):
                    methods[(owner, t.__name__)] = name
    if with_places:
        return cobjs, methods, places
    return codes, cfuncs, methods


def forbid_plan(dotted: list[str]) -> dict:
    """What the graded kernel's guard needs to know ahead of time about ``dotted``, computed by
    the grader in a fresh process of the same installation: ``lazy`` maps every name whose
    targets are all Python code to its (module name, first line) places, which the guard matches
    without importing the library (sentence-transformers, LanceDB and scikit-learn cost the
    kernel about 10 s to import); every other name (C functions and methods, which are matched
    by object) is listed in ``resolved`` and resolved in the kernel as before."""
    lazy, resolved = {}, []
    for name in dotted:
        obj = _resolve(name)
        cobjs, methods, places = _targets([name], with_places=True)
        if methods or any(o is not obj or not isinstance(o, type) for o, _ in cobjs):
            resolved.append(name)  # resolved in the kernel: it must resolve there too
            continue
        lazy[name] = sorted([m, line] for m, lines in places.items() for line in lines)
    return {"lazy": lazy, "resolved": resolved}


class _Forbidden:
    """Practising mode only: detects forbidden calls during one learner call (sys.setprofile).
    In graded mode the persistent profiler of ``llmz.guard`` does this instead."""

    def __init__(self, dotted: list[str]):
        self.codes, self.cfuncs, self.methods = _targets(dotted)
        self.places = _targets([d for d in dotted if any(ch in d for ch in _GLOB)],
                               with_places=True)[2]
        self.hit = None

    def __call__(self, frame, event, arg):  # noqa: C901
        if self.hit is not None:
            return
        if event == "c_call":
            self.hit = self.cfuncs.get(id(arg))
            owner = getattr(arg, "__self__", None)
            if self.hit is None and owner is not None and not isinstance(owner, type(os)):
                for klass in type(owner).__mro__[:4]:
                    self.hit = self.methods.get((klass, getattr(arg, "__name__", "")))
                    if self.hit:
                        break
        elif event == "call":
            self.hit = self.codes.get(id(frame.f_code))
            if self.hit is None and self.places:
                lines = self.places.get(frame.f_globals.get("__name__"))
                self.hit = lines.get(frame.f_code.co_firstlineno) if lines else None


# --------------------------------------------------------------------------------------------
# Kernel side
# --------------------------------------------------------------------------------------------

def _fingerprint(obj, depth=0):
    """A comparable snapshot of plain data (tensors by their bytes, NaN-safe); models, generators
    and other objects are not compared (training steps update models on purpose)."""
    import numpy as np
    import torch

    if depth > 20:
        return None
    if isinstance(obj, torch.Tensor):
        t = obj.detach().cpu().contiguous().reshape(-1)
        raw = t.view(torch.uint8) if t.dtype != torch.bool else t.to(torch.uint8)
        return ("T", str(obj.dtype), tuple(obj.shape), bytes(raw.numpy().tobytes()))
    if isinstance(obj, np.ndarray):
        return ("A", str(obj.dtype), obj.shape, obj.tobytes())
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(_fingerprint(v, depth + 1) for v in obj))
    if isinstance(obj, dict):
        return ("D", tuple((repr(k), _fingerprint(v, depth + 1)) for k, v in obj.items()))
    if isinstance(obj, (set, frozenset)):
        return ("S", len(obj), tuple(sorted(repr(v) for v in obj)))
    if isinstance(obj, (str, bytes, int, float, bool, type(None))):
        return obj
    return None


def _arg_names(fn, args, kwargs) -> list[tuple[str, object]]:
    import inspect

    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        return list(bound.arguments.items())
    except (TypeError, ValueError):
        return [(f"#{i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())


def _raised(kind: str, text: str) -> tuple[str, bytes]:
    return "raised", json.dumps({"type": kind, "text": text}).encode()


def _call_learner(req: dict, user_ns: dict, forbidden=None) -> tuple[str, bytes]:
    """Run one learner call the checker asked for; returns the reply frame."""
    import torch

    name, args, kwargs = req["name"], list(req["args"]), dict(req["kwargs"])
    fn = user_ns.get(name)
    if fn is None or not callable(fn):
        return _raised("NameError", f"`{name}` is not defined in the notebook: run its cell "
                                    "first, and keep the function's name and signature as given")
    wrt = req.get("wrt")
    if wrt is not None:  # gradients wanted: the chosen float tensors become leaves
        for w in wrt:
            if isinstance(w, int) and w < len(args) and isinstance(args[w], torch.Tensor):
                args[w] = args[w].detach().clone().requires_grad_(True)
            elif isinstance(w, str) and isinstance(kwargs.get(w), torch.Tensor):
                kwargs[w] = kwargs[w].detach().clone().requires_grad_(True)
    before = None if req.get("allow_mutation") else \
        [(n, _fingerprint(v)) for n, v in _arg_names(fn, args, kwargs)]
    torch.manual_seed(0)  # every call starts from the same global random state
    random.seed(0)
    try:
        # nbgrader fails a test cell that writes to stderr: a library warning or a debug
        # print in learner code must not cost points, so both go to stdout as notes.
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stderr(sys.stdout):
            warnings.simplefilter("always")
            if forbidden is not None:
                forbidden.hit = None
                old = sys.getprofile()
                sys.setprofile(forbidden)
                try:
                    result = fn(*args, **kwargs)
                finally:
                    sys.setprofile(old)
            else:
                result = fn(*args, **kwargs)
        for w in {(w.category.__name__, str(w.message)) for w in caught}:
            print(f"note: `{name}` raised a warning ({w[0]}: {w[1]})")
        if forbidden is not None and forbidden.hit:
            return _raised("ForbiddenCall", f"`{name}` calls {forbidden.hit}, which this task "
                                            "asks you to implement yourself")
        if before is not None:
            after = dict(_arg_names(fn, args, kwargs))
            for arg, fp in before:
                if fp is not None and _fingerprint(after.get(arg)) != fp:
                    return _raised("InputMutated", f"`{name}` changed its argument `{arg}` in "
                                   "place; the caller's data must stay as it was (work on a copy,"
                                   " e.g. `x = x.clone()`, or use out-of-place operations)")
        grads = None
        if wrt is not None:
            out = result[0] if isinstance(result, (tuple, list)) and result else result
            leaves = [args[w] if isinstance(w, int) else kwargs[w] for w in wrt]
            if isinstance(out, torch.Tensor) and out.requires_grad:
                gen = torch.Generator().manual_seed(int(req.get("seed", 0)))
                cot = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(out.dtype)
                got = torch.autograd.grad((out * cot).sum(), leaves, allow_unused=True)
                grads = [None if g is None else g.detach() for g in got]
        buf = io.BytesIO()
        payload = _to_safe(result) if wrt is None else {"__llmz_grad__": _to_safe(result),
                                                         "grads": _to_safe(grads)}
        torch.save(payload, buf)
        return "ret", buf.getvalue()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the learner's error, with the learner's traceback
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        return _raised(type(exc).__name__, "".join(tb[-6:]))


def _serve(send, fd: int, user_ns: dict, forbid: list[str], local: bool):
    """Answer the checker's calls until it says the cell is done; returns its verdict."""
    forbidden = _Forbidden(forbid) if (forbid and local) else None  # graded: the guard
    while True:
        kind, payload = _recv(fd, time.monotonic() + _CALL_TIMEOUT)
        if kind == "call":
            send(*_call_learner(pickle.loads(payload), user_ns, forbidden))
        elif kind == "canary":  # the guard must report this call: proof it still listens
            canary = sys.modules.get("llmz.guard")
            if canary is not None:
                canary.canary()
            send("ok", b"")
        elif kind == "done":
            return json.loads(payload)
        else:
            raise RuntimeError(f"unexpected message from the checker: {kind}")


class _Checker:
    """Practising mode: the kernel's own checker process (started once, reused by every cell)."""

    def __init__(self):
        self.proc = None
        self.workdir = None

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            return
        if self.workdir is None:  # removed when the kernel exits
            self.workdir = tempfile.TemporaryDirectory(prefix="llmz-checker-")
        workdir = self.workdir.name
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                        "HF_DATASETS_OFFLINE", "TOKENIZERS_PARALLELISM", "OMP_WAIT_POLICY")}
        env["PYTHONHASHSEED"] = "0"
        # checks run small oracles while the kernel waits: one thread, never spinning, so the
        # two processes do not fight over the cores
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.proc = subprocess.Popen(
            [_PYTHON, "-I", "-c", "import llmz.grading as g; g._checker_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=workdir, env=env)

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except Exception:
                pass
        self.proc = None

    def run(self, body: str, names: list[str], forbid: list[str], user_ns: dict,
            allow_mutation: bool = False, stateful: bool = False):
        self.start()
        proc = self.proc
        _send(proc.stdin, "run", json.dumps({"body": body, "names": names, "forbid": forbid,
                                             "allow_mutation": allow_mutation,
                                             "stateful": stateful,
                                             "returns": _annotations(names, user_ns)}).encode())
        return _serve(lambda k, p: _send(proc.stdin, k, p), proc.stdout.fileno(), user_ns,
                      expand_forbid(forbid, names), local=True)


_CHECKER = _Checker()


def _annotations(names: list[str], user_ns: dict) -> dict[str, str]:
    """Practising mode: the return annotations of the learner's functions (the released
    signatures), so results are type-checked as the grader checks them."""
    import inspect

    out = {}
    for n in names:
        try:
            a = inspect.signature(user_ns[n]).return_annotation
        except (KeyError, TypeError, ValueError):
            continue
        if a is inspect.Signature.empty:
            continue
        out[n] = a if isinstance(a, str) else (f"{a.__module__}.{a.__qualname__}"
                                               if isinstance(a, type) else repr(a))
    return out


def _grader_check(ref: str, user_ns: dict) -> dict:
    """Graded mode: ask the grader's checker service to run test cell ``ref``."""
    path = os.environ.get("LLMZ_GRADER_SOCKET", "")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    fh = None
    try:
        sock.connect(path)
        fh = sock.makefile("wb")
        _send(fh, "check", json.dumps({"ref": ref}).encode())
        return _serve(lambda k, p: _send(fh, k, p), sock.fileno(), user_ns, [], local=False)
    finally:  # the service must see the end at once (an interrupted check ends here)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        sock.close()


def _parse_line(line: str) -> tuple[list[str], list[str], dict]:
    words = shlex.split(line)
    names, forbid, opts = [], [], {}
    i = 0
    while i < len(words):
        if words[i] == "--forbid" and i + 1 < len(words):
            forbid += [w for w in words[i + 1].split(",") if w]
            i += 2
        elif words[i] == "--ref" and i + 1 < len(words):
            opts["ref"] = words[i + 1]
            i += 2
        elif words[i] in ("--allow-mutation", "--stateful"):
            opts[words[i][2:].replace("-", "_")] = True
            i += 1
        else:
            names.append(words[i])
            i += 1
    return names, forbid, opts


def graded(line: str, cell: str) -> None:
    """The ``%%graded`` cell magic (see the module docstring)."""
    __tracebackhide__ = True
    from IPython import get_ipython

    names, forbid, opts = _parse_line(line)
    ip = get_ipython()
    try:
        if "ref" in opts:
            verdict = _grader_check(opts["ref"], ip.user_ns)
        else:
            verdict = _CHECKER.run(_HELPERS["source"] + cell, names, forbid, ip.user_ns,
                                   opts.get("allow_mutation", False), opts.get("stateful", False))
    except KeyboardInterrupt:
        _CHECKER.stop()
        raise GradingError("the check was interrupted before it finished: it ran past the time "
                           "limit (does a function loop forever?) or you stopped it") from None
    except (TimeoutError, EOFError, OSError) as exc:
        _CHECKER.stop()
        raise GradingError(f"the check could not finish: {exc}") from None
    if verdict.get("stdout"):
        print(verdict["stdout"], end="")
    if not verdict["ok"]:
        raise GradingError(verdict["message"]) from None
    print(verdict.get("summary", "ok"))


HELPERS_MAGIC = "%%checker_helpers"
_HELPERS: dict = {"source": "", "cells": {}}   # practising: helper cells run so far


def checker_helpers(line: str, cell: str) -> None:
    """The ``%%checker_helpers`` cell magic: definitions (tiny models, reference functions)
    that every later ``%%graded`` cell of the notebook may use, written once. They run in the
    checker, before each test body, never in this kernel; a graded run takes them from the
    exercise source (:func:`helper_source`), whatever the submission's copy says. With
    ``--run-here`` the kernel runs them as well, for the learner's own experiments."""
    import ast

    try:
        names = [n.name for n in ast.parse(cell).body
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    except SyntaxError as exc:
        raise GradingError(f"the checker helpers do not parse: {exc}") from None
    # one entry per helper cell (re-running a cell replaces its entry), in notebook order
    key = tuple(sorted(names)) or cell  # a cell that defines nothing is its own key
    _HELPERS["cells"][key] = cell.rstrip("\n") + "\n\n"
    _HELPERS["source"] = "".join(_HELPERS["cells"].values())
    if "--run-here" in line.split():  # the same definitions for the learner to use, too
        from IPython import get_ipython

        exec(compile(cell, "<checker helpers>", "exec"), get_ipython().user_ns)
    print("helpers for the test cells below: " + (", ".join(names) or "none"))


def helper_source(nb) -> str:
    """The ``%%checker_helpers`` cells of notebook ``nb``, joined: what the grader's checker
    runs before each test body."""
    out = ""
    for cell in nb.cells:
        first, _, body = cell.source.partition("\n")
        if cell.cell_type == "code" and first.split()[:1] == [HELPERS_MAGIC]:
            out += body.rstrip("\n") + "\n\n"
    return out


def load_ipython_extension(ip) -> None:
    ip.register_magic_function(graded, magic_kind="cell", magic_name="graded")
    ip.register_magic_function(checker_helpers, magic_kind="cell", magic_name="checker_helpers")


try:  # importing this module in a notebook registers %%graded
    from IPython import get_ipython as _gi

    if _gi() is not None:
        load_ipython_extension(_gi())
except ImportError:  # pragma: no cover
    pass


# --------------------------------------------------------------------------------------------
# Checker side (a fresh interpreter or the grader's service; never runs learner code)
# --------------------------------------------------------------------------------------------

class _StudentRaised(Exception):
    pass


class Channel:
    """The checker's end of one conversation with a kernel: send calls, read replies, and
    (graded mode) read the guard's pipe: forbidden calls, and tampering (``!`` lines)."""

    def __init__(self, send, recv, hits=None):
        self.send, self.recv, self.hits = send, recv, hits
        self.tamper: list[str] = []

    def drain(self, during_call: bool) -> list[str]:
        """Forbidden-function names reported since the last drain. Tampering is kept when it
        happened during a learner call, or (blocked events, reloads) at any time."""
        if self.hits is None:
            return []
        out = []
        while select.select([self.hits], [], [], 0)[0]:
            try:
                chunk = os.read(self.hits, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self.tamper.append("the kernel closed the forbidden-call channel")
                self.hits = None
                break
            out += chunk.decode("utf-8", "replace").splitlines()
        for line in out:
            if line.startswith("!") and (during_call or line.startswith(("!blocked", "!reload"))):
                if line[1:] not in self.tamper and len(self.tamper) < 50:
                    self.tamper.append(line[1:])
        return [line for line in out if not line.startswith("!")]


def _describe(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def conforms(value, ann: str) -> str | None:
    """Why ``value`` does not match the return annotation ``ann`` (e.g. ``torch.Tensor``,
    ``tuple[torch.Tensor, torch.Tensor]``, ``list[int]``, ``float``, ``dict[str, int] | None``),
    or None when it does. Names the checker does not know are accepted."""
    import ast

    import numpy as np
    import torch

    def check(v, node, depth=0):
        if depth > 6:
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            a, b = check(v, node.left, depth + 1), check(v, node.right, depth + 1)
            return None if a is None or b is None else a
        if isinstance(node, ast.Constant) and node.value is None:
            return None if v is None else f"{_describe(v)} instead of None"
        base, args = node, None
        if isinstance(node, ast.Subscript):
            base = node.value
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        name = ast.unparse(base).rsplit(".", 1)[-1]
        simple = {"float": lambda x: isinstance(x, (float, int, np.integer, np.floating))
                  and not isinstance(x, (bool, np.bool_)),
                  "int": lambda x: isinstance(x, (int, np.integer)) and not isinstance(x, bool),
                  "str": lambda x: isinstance(x, str), "bool": lambda x: isinstance(x, (bool, np.bool_)),
                  "bytes": lambda x: isinstance(x, bytes),
                  "Tensor": lambda x: isinstance(x, torch.Tensor),
                  "LongTensor": lambda x: isinstance(x, torch.Tensor),
                  "ndarray": lambda x: isinstance(x, np.ndarray)}
        containers = {"list": list, "List": list, "tuple": tuple, "Tuple": tuple, "dict": dict,
                      "Dict": dict, "set": set, "Set": set, "frozenset": (set, frozenset)}
        if name in simple:
            return None if simple[name](v) else f"{_describe(v)} instead of {ast.unparse(node)}"
        if name in ("Optional",) and args:
            return None if v is None else check(v, args[0], depth + 1)
        if name not in containers:
            return None
        if not isinstance(v, containers[name]):
            return f"{_describe(v)} instead of {ast.unparse(node)}"
        if not args:
            return None
        items = list(v.items() if isinstance(v, dict) else v)[:200]
        if name in ("tuple", "Tuple"):
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
                args = [args[0]] * len(items)
            elif len(args) != len(v):
                return f"a tuple of {len(v)} items instead of {len(args)}"
            for x, a in zip(items, args):
                why = check(x, a, depth + 1)
                if why:
                    return why
            return None
        for x in items:
            if name in ("dict", "Dict") and len(args) == 2:
                why = check(x[0], args[0], depth + 1) or check(x[1], args[1], depth + 1)
            else:
                why = check(x, args[0], depth + 1)
            if why:
                return why
        return None

    try:
        node = ast.parse(ann, mode="eval").body
    except SyntaxError:
        return None
    return check(value, node)


def run_check(body: str, names: list[str], forbid: list[str], chan: Channel,
              allow_mutation: bool = False, returns: dict | None = None,
              stateful: bool = False) -> dict:
    """Execute one test body; returns ``{ok, message, summary, stdout}``. ``returns`` maps a
    function name to its declared return annotation, which every result must match."""
    import numpy as np
    import torch

    returns = returns or {}
    canary_seen: list = []

    forbidden = set(expand_forbid(forbid, names)) if chan.hits is not None else set()

    def request(name, args, kwargs, extra):
        if chan.hits is not None and not canary_seen:
            chan.drain(during_call=False)
            chan.send("canary", b"")
            chan.recv()
            if "llmz.guard.canary" not in chan.drain(during_call=True):
                chan.tamper.append("the forbidden-call guard did not answer: it was switched "
                                   "off or redirected in this notebook")
                raise _StudentRaised("the grading guard was switched off in this notebook "
                                     "(its reporting channel was closed or redirected), so no "
                                     "check can be trusted")
            canary_seen.append(True)
        chan.drain(during_call=False)
        chan.send("call", pickle.dumps({"name": name, "args": args, "kwargs": kwargs,
                                        "allow_mutation": allow_mutation, **extra}))
        kind, payload = chan.recv()
        hits = [h for h in chan.drain(during_call=True) if h in forbidden]
        if hits:
            raise _StudentRaised(f"`{name}` calls {hits[0]}, which this task asks you to "
                                 "implement yourself")
        if kind == "ret":
            value = _from_safe(torch.load(io.BytesIO(payload), weights_only=True))
            got = value["__llmz_grad__"] if "wrt" in extra else value
            why = conforms(got, returns[name]) if name in returns else None
            if why:
                raise _StudentRaised(f"`{name}` returned {why}: its signature promises "
                                     f"`-> {returns[name]}`")
            return value
        info = json.loads(payload)
        if info["type"] == "NotImplementedError":
            raise _StudentRaised(f"`{name}` is not implemented yet (not attempted)")
        lines = info["text"].strip().splitlines() or [""]
        last = lines[-1].removeprefix(f"{info['type']}:").strip()
        detail = "\n".join(lines[:-1]).rstrip()
        raise _StudentRaised(f"`{name}` raised {info['type']}: {last}"
                             + (f"\n{detail}" if detail else ""))

    repeated = set()

    def proxy(name):
        def call(*args, **kwargs):
            value = request(name, args, kwargs, {})
            if name not in repeated and not stateful:
                # the first call in each cell runs twice on fresh copies of the same arguments:
                # a function that keeps state between calls answers differently
                repeated.add(name)
                again = request(name, args, kwargs, {})
                if _fingerprint(again) != _fingerprint(value):
                    raise _StudentRaised(
                        f"`{name}` returned a different result when called again with the same "
                        "arguments: it keeps state between calls (a global cache or counter, "
                        "the global random generator instead of the one passed in?)")
            return value
        call.__name__ = name
        call._llmz_name = name
        return call

    def grads_of(fn, *args, wrt=(0,), seed=0, **kwargs):
        """(result, gradients of sum(result * r) w.r.t. the ``wrt`` arguments, r ~ N(0, 1)
        seeded), computed in the kernel through the learner's function; gradients are None
        when the result carries no gradient."""
        got = request(fn._llmz_name, args, kwargs, {"wrt": list(wrt), "seed": seed})
        return got["__llmz_grad__"], got["grads"]

    ns = {"__name__": "__graded__", "torch": torch, "np": np, "expect": expect,
          "expect_equal": expect_equal, "expect_close": expect_close,
          "expect_shape": expect_shape, "expect_tensor": expect_tensor, "has_grad": has_grad,
          "grads_of": grads_of, "GradingError": GradingError}
    ns.update({n: proxy(n) for n in names})
    out = io.StringIO()
    verdict = {"ok": True, "message": "", "summary": "ok: all checks in this cell passed"}
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(body, "<graded cell>", "exec"), ns)
    except GradingError as exc:
        verdict = {"ok": False, "message": str(exc)}
    except _StudentRaised as exc:
        verdict = {"ok": False, "message": str(exc)}
    except (TimeoutError, EOFError, ConnectionError) as exc:
        verdict = {"ok": False, "message": "the notebook stopped answering during the check: it "
                   "ran past the time limit (does a function loop forever?) or its kernel died"
                   f" ({type(exc).__name__})"}
    except Exception as exc:  # noqa: BLE001 - report the kind, never the hidden source
        verdict = {"ok": False, "message": f"the check could not use your result "
                                           f"({type(exc).__name__}: {exc})"}
    verdict["stdout"] = out.getvalue()
    return verdict


def _checker_main() -> None:
    """Practising mode: the kernel's private checker, speaking over stdin/stdout."""
    chan_in = os.fdopen(os.dup(0), "rb", buffering=0)
    chan_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray C-level prints must not corrupt the channel
    fd_in = chan_in.fileno()
    chan = Channel(lambda k, p: _send(chan_out, k, p), lambda: _recv(fd_in))
    while True:
        try:
            kind, payload = _recv(fd_in)
        except EOFError:
            return
        req = json.loads(payload)
        verdict = run_check(req["body"], req["names"], req.get("forbid", []), chan,
                            req.get("allow_mutation", False), req.get("returns"),
                            req.get("stateful", False))
        _send(chan_out, "done", json.dumps(verdict).encode())
