"""Device, precision and run-profile selection shared by every chapter.

The rule of the course: CPU runs the *small* profile (so each chapter executes in minutes on a
laptop or in CI), a GPU runs the *full* profile (bigger model, more steps). ``LLMZ_PROFILE=small``
or ``LLMZ_PROFILE=full`` overrides the choice, e.g. to try the full run on a strong CPU.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass

import numpy as np


def get_device(prefer: str | None = None):
    """Return the best available ``torch.device``: cuda, then mps, then cpu.

    ``prefer`` (or the ``LLMZ_DEVICE`` environment variable) forces a device, e.g. ``"cpu"``.
    """
    import torch

    choice = prefer or os.environ.get("LLMZ_DEVICE")
    if choice:
        return torch.device(choice)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def autocast_dtype(device) -> "torch.dtype | None":
    """The mixed-precision dtype to use on ``device``, or ``None`` for plain fp32.

    bf16 where the hardware supports it (Ampere and newer, e.g. A100/H100); fp16 on older GPUs
    such as Colab's free T4, which has no bf16 (pair it with ``torch.amp.GradScaler``); fp32 on
    CPU and MPS, where autocast buys little for the small models of this course.
    """
    import torch

    device = torch.device(device)
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def needs_grad_scaler(device) -> bool:
    """fp16 autocast needs loss scaling to keep small gradients from underflowing."""
    import torch

    return autocast_dtype(device) == torch.float16


@dataclass(frozen=True)
class Profile:
    """How big a run is. Chapters read sizes from here instead of hard-coding them."""

    name: str  # "small" or "full"

    @property
    def full(self) -> bool:
        return self.name == "full"

    def pick(self, small, full):
        """``profile().pick(200, 3000)`` -> 200 steps on the small profile, 3000 on full."""
        return full if self.full else small


def profile(device=None) -> Profile:
    """The run profile: ``full`` on a GPU, ``small`` otherwise; ``LLMZ_PROFILE`` overrides."""
    env = os.environ.get("LLMZ_PROFILE")
    if env:
        if env not in ("small", "full"):
            raise ValueError(f"LLMZ_PROFILE must be 'small' or 'full', not {env!r}")
        return Profile(env)
    device = device if device is not None else get_device()
    return Profile("full" if str(device).startswith("cuda") else "small")


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and torch (all devices) so a chapter's numbers are reproducible."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def describe_device(device=None) -> str:
    """One line on what a notebook runs on, printed by every chapter's first code cell."""
    import torch

    device = torch.device(device) if device is not None else get_device()
    prof = profile(device)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        dtype = autocast_dtype(device)
        return (f"device: cuda ({props.name}, {props.total_memory / 2**30:.1f} GiB), "
                f"autocast {str(dtype).replace('torch.', '')}, profile: {prof.name}")
    return f"device: {device.type}, fp32, profile: {prof.name}, torch {torch.__version__}"


def launched_accelerator():
    """An ``accelerate.Accelerator`` when this process is one of several started by a launcher
    (``accelerate launch``, ``torchrun``: ``WORLD_SIZE`` > 1), else ``None``.

    The course's training loops call this, so the same script trains on one device or, under
    ``accelerate launch --multi_gpu --num_processes N``, data-parallel on N (DDP; gloo on CPUs):
    every process draws the same global batch from the same seed and trains on its share of
    the rows, and the averaged gradients equal those of one process on the whole batch."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    import torch
    from accelerate import Accelerator

    # without cpu=True a launch on a machine with no GPU falls back to one process
    return Accelerator(cpu=not torch.cuda.is_available())


def shard_rows(rows, accelerator):
    """This process's share of a global batch: rows ``rank, rank + N, ...`` of ``N`` processes
    (the whole batch without a launcher). The batch size must divide by ``N``."""
    if accelerator is None:
        return rows
    n, rank = accelerator.num_processes, accelerator.process_index
    if len(rows) % n:
        raise ValueError(f"a global batch of {len(rows)} rows does not split over {n} processes;"
                         f" use a batch size divisible by {n}")
    return rows[rank::n]
