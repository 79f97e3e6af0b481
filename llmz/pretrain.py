"""Pre-training a GPT on the corpus (chapter 3), and the recipe of the course model.

- ``corpus_ids``: the whole corpus as one stream of course-tokenizer ids, works separated by
  ``<|endoftext|>``; ``split_ids`` holds out the tail of every work for validation.
- ``random_batch``: (B, T) windows at random offsets and their targets (the same windows shifted
  by one token).
- ``lr_at``: linear warm-up, then cosine decay to ``min_lr``.
- ``pretrain``: the training loop: autocast (bf16 where supported, fp16 + a gradient scaler
  otherwise), fused AdamW on CUDA, gradient clipping, the schedule, a progress bar, periodic
  validation, tokens/s.
- ``trainer_tokens_per_s``: the same model and data through ``transformers.Trainer``, to compare.
- ``COURSE_RECIPE`` and ``python -m llmz.pretrain --out DIR``: the shipped course model,
  reproduced on CPU: bit for bit with the same torch build on the same kind of CPU, within
  float32 rounding (losses to ~1e-7 relative after 8 steps) elsewhere.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import time
from contextlib import nullcontext
from pathlib import Path

import torch

from .device import autocast_dtype, get_device, launched_accelerator, needs_grad_scaler, shard_rows
from .gpt import GPT, GPTConfig

__all__ = ["corpus_ids", "split_ids", "random_batch", "lr_at", "estimate_loss", "pretrain",
           "trainer_tokens_per_s", "bench_against_trainer", "speed_verdict", "COURSE_RECIPE",
           "train_course_model"]


def corpus_ids(works: tuple[str, ...] | None = None, tokenizer=None) -> list[torch.Tensor]:
    """Each work of the corpus encoded with the course tokenizer (chapter 2), followed by
    ``<|endoftext|>``: a list of 1-D int64 tensors, one per work, in file order."""
    import os

    from .bpe import EOT, load_course_tokenizer
    from .data import corpus_files, load_corpus

    tok = tokenizer or load_course_tokenizer()
    if hasattr(tok, "to_hf_tokenizer"):  # the course BPETokenizer: encode with its Rust twin
        fast = tok.to_hf_tokenizer()
        encode, eot = (lambda t: fast.encode(t).ids), tok.special_tokens[EOT]
    else:  # a transformers tokenizer
        encode, eot = (lambda t: tok(t)["input_ids"]), tok.eos_token_id
    out = []
    for path in corpus_files():
        stem = os.path.basename(path)[:-8]  # "hamlet" from ".../hamlet_gut.txt"
        if works is not None and stem not in works:
            continue
        ids = encode(load_corpus((stem,)))  # one work, read and cleaned as chapter 1 reads it
        out.append(torch.tensor(ids + [eot], dtype=torch.long))
    return out


def split_ids(works: list[torch.Tensor], val_fraction: float = 0.05) -> tuple[torch.Tensor,
                                                                               torch.Tensor]:
    """Training and validation streams: the last ``val_fraction`` of every work is held out, so
    validation covers all the plays and poems, never text the model trained on."""
    train, val = [], []
    for ids in works:
        cut = int(len(ids) * (1 - val_fraction))
        train.append(ids[:cut])
        val.append(ids[cut:])
    return torch.cat(train), torch.cat(val)


def random_batch(ids: torch.Tensor, batch_size: int, block: int,
                 generator: torch.Generator | None = None, device=None):
    """``batch_size`` random windows of ``block`` tokens (inputs) and the same windows moved one
    token to the right (targets): position t learns to predict token t+1."""
    starts = torch.randint(len(ids) - block - 1, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + block] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + 1 + block] for s in starts.tolist()])
    if device is not None:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
    return x, y


def lr_at(step: int, max_lr: float, warmup: int, total: int, min_lr: float = 0.0) -> float:
    """Learning rate at ``step``: linear warm-up over ``warmup`` steps, then cosine decay from
    ``max_lr`` to ``min_lr`` at ``total``."""
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def estimate_loss(model: GPT, ids: torch.Tensor, batch_size: int, block: int, n_batches: int,
                  seed: int = 1234, device=None) -> float:
    """Mean loss over ``n_batches`` fixed (seeded) random windows of ``ids``, in eval mode."""
    device = device or next(model.parameters()).device
    g = torch.Generator().manual_seed(seed)
    was = model.training
    model.eval()
    dtype = autocast_dtype(device)
    ctx = torch.autocast(device.type, dtype=dtype) if dtype is not None else nullcontext()
    total = 0.0
    for _ in range(n_batches):
        x, y = random_batch(ids, batch_size, block, g, device)
        with ctx:
            total += model(x, y)[1].item()
    model.train(was)
    return total / n_batches


def pretrain(model: GPT, train: torch.Tensor, val: torch.Tensor | None = None, *, steps: int,
             batch_size: int = 32, block: int | None = None, lr: float = 3e-3,
             min_lr: float | None = None, warmup: int = 50, weight_decay: float = 0.1,
             clip: float = 1.0, eval_every: int = 100, eval_batches: int = 10, seed: int = 0,
             device=None, amp: bool = True, progress: bool = True) -> dict:
    """Pre-train ``model`` with the causal language-modelling objective; return the history.

    One step: a random batch, forward under autocast, backward (scaled on fp16), clip the
    gradient norm to ``clip``, an AdamW step at the learning rate of :func:`lr_at`.
    ``val`` is evaluated every ``eval_every`` steps and at the end.

    Under ``accelerate launch`` (N processes) the same call trains data-parallel: every
    process draws the same global batch of ``batch_size`` windows and trains on its N-th share,
    DDP averages the gradients, and the parameters after each step equal one process's on the
    whole batch (``llmz.device.launched_accelerator``); ``train`` records the global loss.

    Returns ``{"step", "train", "lr", "eval_step", "eval", "tokens_per_s", "seconds"}``.
    """
    acc = launched_accelerator()
    device = acc.device if acc is not None else (
        torch.device(device) if device is not None else get_device())
    model.to(device)
    block = block or model.config.n_ctx
    min_lr = lr / 10 if min_lr is None else min_lr
    opt = model.configure_optimizer(weight_decay, lr, device=device)
    net = model  # what the step calls: the model itself, or its DDP wrapper under a launcher
    if acc is not None:
        net, opt = acc.prepare(model, opt)
        progress = progress and acc.is_main_process
    dtype = autocast_dtype(device) if amp else None
    scaler = torch.amp.GradScaler("cuda") if dtype is not None and needs_grad_scaler(
        device) else None
    g = torch.Generator().manual_seed(seed)
    hist = {"step": [], "train": [], "lr": [], "eval_step": [], "eval": []}

    def run_eval(step):
        if val is not None:
            hist["eval_step"].append(step)
            hist["eval"].append(estimate_loss(model, val, batch_size, block, eval_batches,
                                              device=device))

    bar = Progress(steps, "pre-training") if progress else None
    model.train()
    t0 = time.perf_counter()
    for step in range(steps):
        if step % eval_every == 0:
            run_eval(step)
        x, y = (shard_rows(t, acc) for t in random_batch(train, batch_size, block, g, device))
        rate = lr_at(step, lr, warmup, steps, min_lr)
        for group in opt.param_groups:
            group["lr"] = rate
        with torch.autocast(device.type, dtype=dtype) if dtype is not None else nullcontext():
            _, loss = net(x, y)
        opt.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
        hist["step"].append(step)
        hist["train"].append((acc.reduce(loss.detach(), "mean") if acc else loss).item())
        hist["lr"].append(rate)
        if bar is not None:
            bar.update(hist["train"][-1])
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    if bar is not None:
        bar.close()
    run_eval(steps)
    hist["seconds"] = seconds
    hist["tokens_per_s"] = steps * batch_size * block / seconds
    return hist


class Progress:
    """A progress bar: ``tqdm`` in a terminal; in a notebook, one output line updated in place
    (so an executed notebook, and the book page made from it, shows the final state)."""

    def __init__(self, total: int, desc: str):
        self.total, self.desc, self.n = total, desc, 0
        self.t0 = self.shown = time.perf_counter()
        self.handle = self.bar = None
        try:
            from IPython import get_ipython
            from IPython.display import Pretty, display

            if getattr(get_ipython(), "kernel", None) is not None:
                self.handle = display(Pretty(self._line()), display_id=True)
        except ImportError:
            pass
        if self.handle is None:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=desc, unit="step")

    def _line(self, loss: float | None = None) -> str:
        elapsed = time.perf_counter() - self.t0
        done = int(30 * self.n / self.total)
        line = f"{self.desc} {'█' * done}{'·' * (30 - done)} {self.n}/{self.total} steps, " \
               f"{elapsed:.0f} s"
        if 0 < self.n < self.total:
            line += f", about {elapsed / self.n * (self.total - self.n):.0f} s left"
        return line + (f", loss {loss:.3f}" if loss is not None else "")

    def update(self, loss: float) -> None:
        self.n += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.n % 10 == 0 or self.n == self.total:
                self.bar.set_postfix(loss=f"{loss:.3f}")
        elif time.perf_counter() - self.shown > 0.5 or self.n == self.total:
            from IPython.display import Pretty
            self.shown = time.perf_counter()
            self.handle.update(Pretty(self._line(loss)))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def trainer_tokens_per_s(cfg: GPTConfig, train: torch.Tensor, *, steps: int, batch_size: int,
                         block: int | None = None, lr: float = 3e-3, warmup: int = 50,
                         weight_decay: float = 0.1, clip: float = 1.0, seed: int = 0,
                         device=None) -> dict:
    """Train the same architecture with ``transformers.Trainer`` (``GPT2LMHeadModel``, same
    batches, optimizer settings, schedule and mixed precision) and measure its tokens/s.

    Returns ``{"tokens_per_s", "seconds", "train": [loss per logged step]}``."""
    import logging

    # the Trainer imports bitsandbytes, whose CPU backend logs a warning about optional kernels
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    import transformers
    from transformers import PrinterCallback, Trainer, TrainingArguments

    from .gpt import to_hf

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    device = torch.device(device) if device is not None else get_device()
    block = block or cfg.n_ctx
    torch.manual_seed(seed)
    hf = to_hf(GPT(cfg))
    g = torch.Generator().manual_seed(seed)
    windows = [random_batch(train, batch_size, block, g) for _ in range(steps)]

    class Windows(torch.utils.data.Dataset):
        def __len__(self):
            return steps * batch_size

        def __getitem__(self, i):
            x, _ = windows[i // batch_size]
            return {"input_ids": x[i % batch_size], "labels": x[i % batch_size]}

    dtype = autocast_dtype(device)
    args = TrainingArguments(
        output_dir="/tmp/llmz-trainer", per_device_train_batch_size=batch_size, max_steps=steps,
        learning_rate=lr, weight_decay=weight_decay, adam_beta1=0.9, adam_beta2=0.95,
        max_grad_norm=clip, warmup_steps=warmup, lr_scheduler_type="cosine",
        bf16=dtype == torch.bfloat16, fp16=dtype == torch.float16,
        optim="adamw_torch_fused" if device.type == "cuda" else "adamw_torch",
        use_cpu=device.type == "cpu", logging_steps=max(1, steps // 10), save_strategy="no",
        report_to=[], disable_tqdm=True, dataloader_num_workers=0, seed=seed)
    trainer = Trainer(model=hf, args=args, train_dataset=Windows())
    trainer.remove_callback(PrinterCallback)  # losses stay in trainer.state.log_history
    t0 = time.perf_counter()
    trainer.train()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    losses = [r["loss"] for r in trainer.state.log_history if "loss" in r]
    return {"tokens_per_s": steps * batch_size * block / seconds, "seconds": seconds,
            "train": losses}


def bench_against_trainer(cfg: GPTConfig, train: torch.Tensor, *, repeats: int = 5,
                          steps: int = 25, batch_size: int = 8, block: int = 128,
                          warmup: int = 5, device=None) -> list[dict]:
    """Tokens/s of :func:`pretrain` and of :func:`trainer_tokens_per_s` on the same model, data
    and settings, over ``repeats`` alternating repeats (who goes first alternates: a shared
    machine's load drifts). One row per repeat: ``{"llmz.pretrain.pretrain",
    "transformers.Trainer", "ratio"}`` (ratio > 1: our loop is faster)."""
    from .device import set_seed

    bench = dict(steps=steps, batch_size=batch_size, block=block, warmup=warmup, seed=0,
                 device=device)
    runs = []
    for repeat in range(repeats):
        order = ["ours", "theirs"] if repeat % 2 == 0 else ["theirs", "ours"]
        tps = {}
        for who in order:
            set_seed(0)
            if who == "ours":
                tps[who] = pretrain(GPT(cfg), train, None, progress=False,
                                    **bench)["tokens_per_s"]
            else:
                tps[who] = trainer_tokens_per_s(cfg, train, **bench)["tokens_per_s"]
        runs.append({"llmz.pretrain.pretrain": tps["ours"], "transformers.Trainer": tps["theirs"],
                     "ratio": tps["ours"] / tps["theirs"]})
    return runs


def speed_verdict(ratios) -> str:
    """One line on a list of speed ratios: their median, range and whether the range settles
    which side is faster."""
    import statistics

    lo, hi = min(ratios), max(ratios)
    verdict = ("faster in every repeat" if lo > 1 else "slower in every repeat" if hi < 1
               else "sometimes faster, sometimes slower: no difference this can resolve")
    return (f"our loop runs at {statistics.median(ratios):.2f}x the Trainer's tokens/s (median of "
            f"{len(ratios)}; range {lo:.2f}-{hi:.2f}), {verdict}")


# --------------------------------------------------------------------------------------------
# the course model
# --------------------------------------------------------------------------------------------
COURSE_RECIPE = dict(
    config=dict(vocab_size=2048, n_ctx=256, n_layer=4, n_head=6, n_embd=192, dropout=0.0),
    steps=1500, batch_size=8, block=256, lr=2e-3, min_lr=2e-4, warmup=100, weight_decay=0.1,
    clip=1.0, seed=1337, val_fraction=0.05, eval_every=250, eval_batches=20, threads=1,
)


def train_course_model(out, recipe: dict | None = None, progress: bool = True) -> dict:
    """Train the course model from scratch on CPU, deterministically, and save it to ``out``
    (a Hugging Face model directory with the tokenizer, a chat template and ``training.json``).
    Same torch build, recipe, thread count and CPU vector instructions: the same bytes. Another
    CPU or build adds float32 sums in another order: the same run up to rounding."""
    from .models import save_course_model

    r = dict(COURSE_RECIPE if recipe is None else recipe)
    torch.set_num_threads(r["threads"])
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(r["seed"])
    model = GPT(GPTConfig(**r["config"]))
    train, val = split_ids(corpus_ids(), r["val_fraction"])
    hist = pretrain(model, train, val, steps=r["steps"], batch_size=r["batch_size"],
                    block=r["block"], lr=r["lr"], min_lr=r["min_lr"], warmup=r["warmup"],
                    weight_decay=r["weight_decay"], clip=r["clip"],
                    eval_every=r["eval_every"], eval_batches=r["eval_batches"], seed=r["seed"],
                    device="cpu", amp=False, progress=progress)
    meta = {"recipe": r, "torch": torch.__version__, "train_tokens": len(train),
            "val_tokens": len(val), "params": model.num_params(),
            "history": {k: hist[k] for k in ("step", "train", "eval_step", "eval")},
            "seconds": round(hist["seconds"], 1)}
    save_course_model(model, out, meta)
    meta["sha256"] = weights_sha256(out)  # what a reproduction on the same machine kind matches
    save_course_model(model, out, meta)
    return meta


def weights_sha256(directory) -> str:
    """SHA-256 of a saved model's ``model.safetensors``."""
    return hashlib.sha256((Path(directory) / "model.safetensors").read_bytes()).hexdigest()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m llmz.pretrain",
                                description="Reproduce the course model (CPU, deterministic).")
    p.add_argument("--out", help="model directory to write")
    p.add_argument("--steps", type=int, help="override the recipe's steps (for a quick check)")
    p.add_argument("--bench-trainer", type=int, metavar="REPEATS",
                   help="instead: time our loop against transformers.Trainer on the course "
                        "model's architecture over REPEATS alternating repeats")
    a = p.parse_args(argv)
    if a.bench_trainer:
        from .device import describe_device, get_device

        ids = split_ids(corpus_ids())[0]
        steps = a.steps or 25
        runs = bench_against_trainer(GPTConfig(**COURSE_RECIPE["config"]), ids,
                                     repeats=a.bench_trainer, steps=steps)
        for i, r in enumerate(runs):
            print(f"repeat {i}: ours {r['llmz.pretrain.pretrain']:,.0f} tokens/s, Trainer "
                  f"{r['transformers.Trainer']:,.0f} tokens/s, ratio {r['ratio']:.2f}")
        print(f"{steps} steps of 8 x 128 tokens on {describe_device(get_device())}, "
              f"{torch.get_num_threads()} threads: " + speed_verdict([r["ratio"] for r in runs]))
        return
    if not a.out:
        p.error("--out is required")
    recipe = dict(COURSE_RECIPE)
    if a.steps:
        recipe["steps"] = a.steps
    meta = train_course_model(a.out, recipe)
    print(json.dumps({"val_loss": meta["history"]["eval"][-1], "seconds": meta["seconds"],
                      "sha256": weights_sha256(a.out)}, indent=1))


if __name__ == "__main__":
    main()
