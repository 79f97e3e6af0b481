"""The course's training loops under `accelerate launch`: two CPU processes (DDP over gloo) train
the same model on the same global batches as one process, and end with the same parameters.
Pre-training (llmz.pretrain.pretrain, chapter 3) and supervised fine-tuning with replay
(llmz.finetune.sft_train, chapters 6-7: uneven response lengths, so the loss must be normalised
by the whole batch's token count, not each process's)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = '''
import random, sys
import torch
from llmz.device import launched_accelerator
from llmz.finetune import sft_train
from llmz.gpt import GPT, GPTConfig
from llmz.pretrain import pretrain
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
gpt = GPT(GPTConfig(vocab_size=64, n_ctx=16, n_layer=2, n_head=2, n_embd=32))
stream = torch.randint(64, (3000,), generator=torch.Generator().manual_seed(1))
h1 = pretrain(gpt, stream, steps=5, batch_size=4, warmup=2, lr=1e-2, eval_every=10**9,
              device="cpu", amp=False, progress=False)
torch.manual_seed(0)
lm = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64,
                                  num_hidden_layers=2, num_attention_heads=2,
                                  num_key_value_heads=1, max_position_embeddings=64))
rng = random.Random(2)
rows = []
for _ in range(24):  # prompts of 2-12 tokens, responses of 1-15
    p, r = rng.randint(2, 12), rng.randint(1, 15)
    ids = [rng.randrange(1, 64) for _ in range(p + r)]
    rows.append((ids, [-100] * p + ids[p:]))
h2 = sft_train(lm, rows, steps=4, batch_size=4, lr=1e-2, warmup=1, pad_id=0, replay=stream,
               alpha=0.7, replay_batch=2, replay_block=8, device="cpu", progress=False)
acc = launched_accelerator()
if acc is None or acc.is_main_process:
    torch.save({"gpt": gpt.state_dict(), "lm": lm.state_dict(), "pretrain": h1["train"],
                "sft": h2["loss"], "processes": acc.num_processes if acc else 1}, sys.argv[1])
'''


def _run(cmd, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK")}
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]


def test_two_processes_train_like_one_on_the_same_global_batch(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    _run([sys.executable, str(script), "one.pt"], tmp_path)
    accelerate = Path(sys.executable).with_name("accelerate")
    _run([str(accelerate), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
          "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", "0",
          str(script), "two.pt"], tmp_path)
    one, two = (torch.load(tmp_path / f, weights_only=False) for f in ("one.pt", "two.pt"))
    assert (one["processes"], two["processes"]) == (1, 2)
    for key in ("pretrain", "sft"):  # the recorded losses are the global batch's
        assert torch.allclose(torch.tensor(one[key]), torch.tensor(two[key]), atol=1e-5), key
    # Floating point: the gradient is summed in another order (per process, then all-reduced),
    # and Adam's m / sqrt(v) turns a rounding-level difference in a near-zero gradient into a
    # visible one: up to 1.8e-5 seen here. Averaging each process's own mean loss instead (the
    # mistake this guards against) moves the fine-tuned weights by 0.06.
    torch.manual_seed(0)
    from llmz.gpt import GPT, GPTConfig
    fresh = GPT(GPTConfig(vocab_size=64, n_ctx=16, n_layer=2, n_head=2, n_embd=32)).state_dict()
    moved = max((fresh[k] - one["gpt"][k]).abs().max().item() for k in fresh)
    assert moved > 1e-2, "training did not move the parameters: nothing was compared"
    for model in ("gpt", "lm"):
        for name, p in one[model].items():
            diff = (p.float() - two[model][name].float()).abs().max().item()
            assert diff < 1e-4, f"{model}.{name}: parameters differ by {diff:.2e} after DDP"
