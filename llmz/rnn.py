"""Chapter 1: n-gram and recurrent models, the code later chapters reuse.

- ``NGramLM``: counted n-gram language model with add-k smoothing and perplexity.
- ``RNNCellScratch``: the vanilla recurrent cell written from its equation.
- ``CharRNN`` + ``train_lm`` + ``sample``: a character-level recurrent language model.
- ``TokenVocab`` + ``pad_batch`` + ``RNNClassifier``: many-to-one sequence classification.
- ``Seq2Seq``: an encoder-decoder whose only bridge is one context vector.
- ``train_loop``: the one honest training loop (AdamW, clipping, device, autocast) they share.
- ``grad_norms_through_time``: how much gradient reaches each earlier hidden state.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from contextlib import nullcontext
from typing import Callable, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from .device import autocast_dtype, get_device, needs_grad_scaler

__all__ = ["NGramLM", "RNNCellScratch", "CharRNN", "make_cell", "run_recurrent", "train_loop",
           "train_lm", "lm_batch", "lm_loss", "evaluate_lm", "sample", "TokenVocab", "pad_batch",
           "last_state", "RNNClassifier", "Seq2Seq", "AttentionSeq2Seq", "cell_from_layer",
           "grad_norms_through_time"]


# --------------------------------------------------------------------------------------------
# n-grams
# --------------------------------------------------------------------------------------------
class NGramLM:
    """An n-gram language model: P(token | previous n-1 tokens) from counts, add-k smoothed.

    ``tokens`` is any sequence (a string for characters, a list for words).
    ``vocab`` is the set of possible tokens (default: those seen in training); ``k = 0`` gives
    the raw maximum-likelihood estimate, which assigns probability 0 to unseen n-grams.
    """

    def __init__(self, n: int, k: float = 1.0, vocab: Sequence | None = None):
        if n < 1:
            raise ValueError("n must be >= 1")
        self.n, self.k = n, k
        self.vocab = sorted(set(vocab)) if vocab is not None else None
        self.counts: dict[tuple, Counter] = {}   # context -> Counter of next tokens
        self.totals: Counter = Counter()          # context -> number of occurrences

    def fit(self, tokens: Sequence) -> "NGramLM":
        """Count every (context, next token) pair of ``tokens``."""
        grams = Counter(zip(*(tokens[i:] for i in range(self.n))))  # all n-tuples, counted
        for gram, c in grams.items():
            self.counts.setdefault(gram[:-1], Counter())[gram[-1]] += c
            self.totals[gram[:-1]] += c
        if self.vocab is None:
            self.vocab = sorted(set(tokens))
        return self

    def prob(self, context: Sequence, token) -> float:
        """(count(context, token) + k) / (count(context) + k |V|)."""
        ctx = tuple(context)[-(self.n - 1):] if self.n > 1 else ()   # the last n-1 tokens
        num = self.counts.get(ctx, {}).get(token, 0) + self.k
        den = self.totals[ctx] + self.k * len(self.vocab)
        return num / den if den > 0 else 0.0

    def next_distribution(self, context: Sequence, top: int | None = None) -> list[tuple]:
        """[(token, probability), ...] for the next token, most likely first."""
        probs = [(t, self.prob(context, t)) for t in self.vocab]
        probs.sort(key=lambda tp: -tp[1])
        return probs[:top] if top else probs

    def generate(self, context: Sequence, n: int, seed: int = 0) -> list:
        """Extend ``context`` by ``n`` sampled tokens. Add-k smoothing is a mixture: with
        probability N/(N + k|V|) copy a continuation seen after this context, else pick any
        token uniformly; sampling that mixture is exact and needs no loop over the vocabulary."""
        rng = random.Random(seed)
        out = list(context)
        for _ in range(n):
            ctx = tuple(out[-(self.n - 1):]) if self.n > 1 else ()
            seen = self.counts.get(ctx)
            total = self.totals[ctx] if seen else 0
            if total and rng.random() < total / (total + self.k * len(self.vocab)):
                out.append(rng.choices(list(seen), weights=list(seen.values()))[0])
            else:
                out.append(rng.choice(self.vocab))
        return out

    def perplexity(self, tokens: Sequence) -> float:
        """exp(mean negative log-probability) of ``tokens`` (the first n-1 only give context).

        ``inf`` as soon as one token gets probability 0 (possible only when ``k == 0``)."""
        nll, count = 0.0, 0
        for i in range(self.n - 1, len(tokens)):
            p = self.prob(tokens[i - self.n + 1:i], tokens[i])
            if p <= 0.0:
                return math.inf
            nll -= math.log(p)
            count += 1
        return math.exp(nll / max(count, 1))


# --------------------------------------------------------------------------------------------
# recurrent cells and the character-level language model
# --------------------------------------------------------------------------------------------
class RNNCellScratch(nn.Module):
    """The vanilla (Elman) recurrent cell, written from its equation:

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

    Parameter names and shapes match ``torch.nn.RNNCell`` so weights can be copied across.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        bound = 1.0 / math.sqrt(hidden_size)  # the same uniform init as nn.RNNCell
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.bias_ih = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))
        self.bias_hh = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None) -> torch.Tensor:
        """x: (batch, input_size), h: (batch, hidden_size) -> new h: (batch, hidden_size)."""
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        return torch.tanh(x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh)


def run_recurrent(layer: nn.Module, x: torch.Tensor, state=None):
    """Run a multi-step recurrent layer in fp32, even inside an autocast region.

    cuDNN's recurrent kernels take bf16 only in recent versions, and the recurrent layers are a
    small share of these models' compute, so autocast speeds up the rest (embeddings, heads)
    and the recurrence stays in fp32 (TF32 on recent GPUs)."""
    if x.is_cuda and torch.is_autocast_enabled("cuda"):
        with torch.autocast("cuda", enabled=False):
            return layer(x.float(), state)
    return layer(x, state)


def make_cell(kind: str, input_size: int, hidden_size: int, num_layers: int = 1,
              dropout: float = 0.0) -> nn.Module:
    """A batch-first multi-step recurrent layer: ``"rnn"`` (vanilla tanh), ``"gru"`` or
    ``"lstm"``."""
    layers = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
    if kind not in layers:
        raise ValueError(f"kind must be one of {sorted(layers)}, not {kind!r}")
    return layers[kind](input_size, hidden_size, num_layers=num_layers, batch_first=True,
                        dropout=dropout if num_layers > 1 else 0.0)


class CharRNN(nn.Module):
    """Character-level language model: embedding -> recurrent layer(s) -> linear to logits.

    ``forward(x, state)`` maps token ids (batch, time) to next-token logits
    (batch, time, vocab) and the final recurrent state, so generation can continue from it.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden_size: int = 256,
                 num_layers: int = 1, kind: str = "gru", dropout: float = 0.0):
        super().__init__()
        self.kind = kind
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = make_cell(kind, embed_dim, hidden_size, num_layers, dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        out, state = run_recurrent(self.rnn, self.embed(x), state)
        return self.head(out), state


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------
def train_loop(model: nn.Module, batch_fn: Callable[[int], tuple], loss_fn: Callable,
               steps: int, lr: float = 3e-3, weight_decay: float = 0.01, clip: float = 1.0,
               device=None, eval_fn: Callable[[nn.Module], float] | None = None,
               eval_every: int = 100, warmup: int = 0, amp: bool = True) -> dict:
    """Train ``model`` for ``steps`` AdamW steps and return the history.

    ``batch_fn(step)`` returns a tuple of tensors (moved to ``device`` here);
    ``loss_fn(model, *batch)`` returns a scalar loss. Gradients are clipped to norm ``clip``, the
    learning rate decays with a cosine schedule (after ``warmup`` linear warm-up steps), and on
    CUDA the forward pass runs under autocast (bf16, or fp16 with a gradient scaler) unless
    ``amp=False``. ``eval_fn(model)``, called in eval mode without gradients every
    ``eval_every`` steps and at the end, adds a validation curve.

    Returns ``{"step": [...], "train": [...], "eval_step": [...], "eval": [...]}``.
    """
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    def lr_factor(s):  # linear warm-up, then cosine decay to 0 at the last step
        warm = min(1.0, (s + 1) / max(warmup, 1))
        return warm * 0.5 * (1 + math.cos(math.pi * s / max(steps, 1)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    dtype = autocast_dtype(device) if amp else None
    scaler = torch.amp.GradScaler("cuda") if amp and needs_grad_scaler(device) else None
    hist = {"step": [], "train": [], "eval_step": [], "eval": []}

    def run_eval(step):
        if eval_fn is None:
            return
        model.eval()
        with torch.no_grad():
            hist["eval"].append(float(eval_fn(model)))
        hist["eval_step"].append(step)
        model.train()

    model.train()
    for step in range(steps):
        if step % eval_every == 0:
            run_eval(step)
        batch = tuple(t.to(device) if torch.is_tensor(t) else t for t in batch_fn(step))
        ctx = torch.autocast(device.type, dtype=dtype) if dtype is not None else nullcontext()
        with ctx:
            loss = loss_fn(model, *batch)
        opt.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
        sched.step()
        hist["step"].append(step)
        hist["train"].append(loss.item())
    run_eval(steps)
    return hist


def lm_batch(data: torch.Tensor, batch_size: int, seq_len: int, generator=None):
    """Random windows of a 1-D token tensor: inputs (B, T) and the same windows shifted by one."""
    starts = torch.randint(0, len(data) - seq_len - 1, (batch_size,), generator=generator)
    idx = (starts[:, None] + torch.arange(seq_len + 1)).to(data.device)
    chunk = data[idx]
    return chunk[:, :-1], chunk[:, 1:]


def lm_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy (nats per token)."""
    logits, _ = model(x)
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))


@torch.no_grad()
def evaluate_lm(model: nn.Module, data: torch.Tensor, seq_len: int = 256,
                max_tokens: int | None = None, batch_size: int = 64) -> float:
    """Mean next-token cross-entropy of ``model`` on ``data`` (the first ``max_tokens``),
    cut into consecutive non-overlapping windows. ``exp`` of it is the perplexity."""
    device = next(model.parameters()).device
    data = data[: max_tokens + 1] if max_tokens else data
    n = (len(data) - 1) // seq_len
    x = data[: n * seq_len].view(n, seq_len)
    y = data[1: n * seq_len + 1].view(n, seq_len)
    was_training = model.training
    model.eval()
    total = 0.0
    for i in range(0, n, batch_size):
        xb, yb = x[i:i + batch_size].to(device), y[i:i + batch_size].to(device)
        logits, _ = model(xb)
        total += F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), yb.reshape(-1),
                                 reduction="sum").item()
    model.train(was_training)
    return total / (n * seq_len)


def train_lm(model: nn.Module, train_data: torch.Tensor, steps: int, batch_size: int = 32,
             seq_len: int = 64, val_data: torch.Tensor | None = None, val_tokens: int = 20_000,
             eval_every: int = 100, lr: float = 3e-3, clip: float = 1.0, device=None,
             seed: int = 0) -> dict:
    """Train a next-token language model on random windows of ``train_data`` (1-D ids).

    Returns ``train_loop``'s history; its ``"eval"`` curve is the validation loss on the first
    ``val_tokens`` tokens of ``val_data`` (nats per token).
    """
    device = torch.device(device) if device is not None else get_device()
    train_data = train_data.to(device)  # batches are then cut on the device itself
    gen = torch.Generator().manual_seed(seed)
    eval_fn = None
    if val_data is not None:
        def eval_fn(m):
            return evaluate_lm(m, val_data, seq_len=seq_len, max_tokens=val_tokens)
    return train_loop(model, lambda s: lm_batch(train_data, batch_size, seq_len, gen), lm_loss,
                      steps, lr=lr, clip=clip, device=device, eval_fn=eval_fn,
                      eval_every=eval_every)


@torch.no_grad()
def sample(model: nn.Module, vocab, prompt: str, n: int = 200, temperature: float = 1.0,
           seed: int | None = 0) -> str:
    """Continue ``prompt`` by ``n`` characters drawn from ``softmax(logits / temperature)``.

    The prompt is read once to build the state; then each new character is fed back in, one step
    at a time (that loop is the sequential nature of recurrent models). ``temperature -> 0`` is
    greedy decoding.
    """
    device = next(model.parameters()).device
    gen = torch.Generator(device=device)
    if seed is not None:
        gen.manual_seed(seed)
    was_training = model.training
    model.eval()
    x = torch.tensor([vocab.encode(prompt)], device=device)
    logits, state = model(x)
    out = []
    for _ in range(n):
        last = logits[0, -1].float()
        if temperature <= 1e-6:
            nxt = int(last.argmax())
        else:
            probs = torch.softmax(last / temperature, dim=-1)
            nxt = int(torch.multinomial(probs, 1, generator=gen))
        out.append(nxt)
        logits, state = model(torch.tensor([[nxt]], device=device), state)
    model.train(was_training)
    return prompt + vocab.decode(out)


# --------------------------------------------------------------------------------------------
# many-to-one: classification
# --------------------------------------------------------------------------------------------
class TokenVocab:
    """A vocabulary over any tokens (words, symbols) with special tokens first:
    ``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2, ``<unk>`` = 3."""

    SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
    PAD, BOS, EOS, UNK = range(4)

    def __init__(self, tokens):
        self.itos = list(self.SPECIALS) + sorted(set(tokens) - set(self.SPECIALS))
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens, bos: bool = False, eos: bool = False) -> list[int]:
        ids = [self.stoi.get(t, self.UNK) for t in tokens]
        return ([self.BOS] if bos else []) + ids + ([self.EOS] if eos else [])

    def decode(self, ids, sep: str = "") -> str:
        """Tokens up to the first ``<eos>``, specials dropped, joined by ``sep``."""
        out = []
        for i in ids:
            i = int(i)
            if i == self.EOS:
                break
            if i >= len(self.SPECIALS):
                out.append(self.itos[i])
        return sep.join(out)


def pad_batch(seqs: Sequence[Sequence[int]], pad: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad lists of ids into a (batch, max_len) tensor; also return the true lengths."""
    lengths = torch.tensor([len(s) for s in seqs])
    out = torch.full((len(seqs), int(lengths.max())), pad, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = torch.tensor(s, dtype=torch.long)
    return out, lengths


def last_state(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """outputs (B, T, H) of a batch-first RNN -> (B, H): the output at each sequence's last real
    token (right padding comes *after* it, so a left-to-right RNN has not seen it yet)."""
    idx = (lengths.to(outputs.device) - 1).clamp(min=0)
    return outputs[torch.arange(outputs.shape[0], device=outputs.device), idx]


class RNNClassifier(nn.Module):
    """Many-to-one: read a whole sequence, classify it from the final hidden state."""

    def __init__(self, vocab_size: int, num_classes: int, embed_dim: int = 32,
                 hidden_size: int = 64, kind: str = "gru"):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=TokenVocab.PAD)
        self.rnn = make_cell(kind, embed_dim, hidden_size)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """x: (B, T) ids, lengths: (B,) -> logits (B, num_classes)."""
        out, _ = run_recurrent(self.rnn, self.embed(x))
        return self.head(last_state(out, lengths))


# --------------------------------------------------------------------------------------------
# many-to-many: encoder-decoder
# --------------------------------------------------------------------------------------------
class Seq2Seq(nn.Module):
    """An encoder-decoder in the style of Cho et al. / Sutskever et al. (2014).

    The encoder reads the source and keeps only its final hidden state: the **context vector**
    c. The decoder starts from c, and at every step also sees c next to the previous output token,
    so c is the only path from the source to the output (no attention).
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, embed_dim: int = 32,
                 hidden_size: int = 128, kind: str = "gru"):
        super().__init__()
        if kind == "lstm":
            raise ValueError("Seq2Seq uses a single-tensor state: choose 'gru' or 'rnn'")
        self.src_embed = nn.Embedding(src_vocab, embed_dim, padding_idx=TokenVocab.PAD)
        self.tgt_embed = nn.Embedding(tgt_vocab, embed_dim, padding_idx=TokenVocab.PAD)
        self.encoder = make_cell(kind, embed_dim, hidden_size)
        self.decoder = make_cell(kind, embed_dim + hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, tgt_vocab)

    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> torch.Tensor:
        """src (B, S) -> context vector (B, H): the encoder state after the last real token."""
        out, _ = run_recurrent(self.encoder, self.src_embed(src))
        return last_state(out, src_len)

    def decode_step(self, prev: torch.Tensor, h: torch.Tensor, context: torch.Tensor):
        """prev (B, T) tokens, h (1, B, H) state -> logits (B, T, V) and the new state."""
        T = prev.shape[1]
        inp = torch.cat([self.tgt_embed(prev), context[:, None].expand(-1, T, -1)], dim=-1)
        out, h = run_recurrent(self.decoder, inp, h)
        return self.head(out), h

    def forward(self, src, src_len, tgt_in):
        """Teacher forcing: the decoder reads the *true* previous tokens ``tgt_in`` (starting
        with ``<bos>``) and predicts the next ones in parallel: logits (B, T, V)."""
        c = self.encode(src, src_len)
        logits, _ = self.decode_step(tgt_in, c[None].contiguous(), c)
        return logits

    @torch.no_grad()
    def greedy_decode(self, src, src_len, max_len: int = 20) -> torch.Tensor:
        """Generate without teacher forcing: feed back the model's own argmax, one step at a time.
        Returns ids (B, max_len); read each row up to its first ``<eos>``."""
        c = self.encode(src, src_len)
        h = c[None].contiguous()
        prev = torch.full((src.shape[0], 1), TokenVocab.BOS, dtype=torch.long, device=src.device)
        out = []
        for _ in range(max_len):
            logits, h = self.decode_step(prev, h, c)
            prev = logits[:, -1].argmax(-1, keepdim=True)
            out.append(prev)
        return torch.cat(out, dim=1)



class AttentionSeq2Seq(Seq2Seq):
    r""":class:`Seq2Seq` plus attention (Luong et al., 2015, "general" scores): at every output
    step the decoder state :math:`s_t` scores *all* encoder states, :math:`e_{tj} = s_t^\top W_a
    h_j`, the softmax over the real source positions gives weights :math:`a_{tj}`, and the
    output layer reads :math:`\tanh(W_c [s_t; \sum_j a_{tj} h_j])`. The source no longer has
    to pass through one vector. The last weights are kept in ``self.last_attention``
    (B, T, S) for plotting."""

    def __init__(self, src_vocab: int, tgt_vocab: int, embed_dim: int = 32,
                 hidden_size: int = 128, kind: str = "gru"):
        super().__init__(src_vocab, tgt_vocab, embed_dim, hidden_size, kind)
        self.score = nn.Linear(hidden_size, hidden_size, bias=False)     # W_a
        self.combine = nn.Linear(2 * hidden_size, hidden_size)           # W_c
        self.last_attention = None

    def encode(self, src, src_len):
        """-> (context vector (B, H), encoder states (B, S, H), source mask (B, S))."""
        out, _ = run_recurrent(self.encoder, self.src_embed(src))
        mask = torch.arange(src.shape[1], device=src.device)[None] < src_len.to(src.device)[:, None]
        return last_state(out, src_len), out, mask

    def attend(self, dec_out, enc_out, mask):
        """dec_out (B, T, H) decoder states -> attentional states (B, T, H) and weights (B, T, S)."""
        scores = self.score(dec_out) @ enc_out.transpose(1, 2)            # (B, T, S)
        weights = scores.masked_fill(~mask[:, None], float("-inf")).softmax(-1)
        context = weights @ enc_out                                       # (B, T, H)
        return torch.tanh(self.combine(torch.cat([dec_out, context], -1))), weights

    def decode_step(self, prev, h, memory):
        c, enc_out, mask = memory
        T = prev.shape[1]
        inp = torch.cat([self.tgt_embed(prev), c[:, None].expand(-1, T, -1)], dim=-1)
        out, h = run_recurrent(self.decoder, inp, h)
        att, self.last_attention = self.attend(out, enc_out, mask)
        return self.head(att), h

    def forward(self, src, src_len, tgt_in):
        memory = self.encode(src, src_len)
        logits, _ = self.decode_step(tgt_in, memory[0][None].contiguous(), memory)
        return logits

    @torch.no_grad()
    def greedy_decode(self, src, src_len, max_len: int = 20) -> torch.Tensor:
        """As :meth:`Seq2Seq.greedy_decode`; ``last_attention`` then holds every step's weights."""
        memory = self.encode(src, src_len)
        h = memory[0][None].contiguous()
        prev = torch.full((src.shape[0], 1), TokenVocab.BOS, dtype=torch.long, device=src.device)
        out, weights = [], []
        for _ in range(max_len):
            logits, h = self.decode_step(prev, h, memory)
            weights.append(self.last_attention)
            prev = logits[:, -1].argmax(-1, keepdim=True)
            out.append(prev)
        self.last_attention = torch.cat(weights, dim=1)
        return torch.cat(out, dim=1)

# --------------------------------------------------------------------------------------------
# why RNNs struggle: gradients through time
# --------------------------------------------------------------------------------------------
def cell_from_layer(layer: nn.Module) -> nn.Module:
    """The first layer of a multi-step ``nn.RNN``/``nn.GRU``/``nn.LSTM`` as the equivalent
    single-step cell (same weights), so it can be unrolled by hand."""
    kinds = {nn.RNN: nn.RNNCell, nn.GRU: nn.GRUCell, nn.LSTM: nn.LSTMCell}
    cell = kinds[type(layer)](layer.input_size, layer.hidden_size)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(cell, name).data.copy_(getattr(layer, f"{name}_l0").data)
    return cell.to(layer.weight_ih_l0.device)


def grad_norms_through_time(cell: nn.Module, inputs: torch.Tensor, seed: int = 0) -> list[float]:
    """Unroll a single-step ``cell`` (``nn.RNNCell``, ``nn.GRUCell``, ``nn.LSTMCell`` or
    ``RNNCellScratch``) over ``inputs`` (T, B, D), put a loss on the **last** hidden state only
    (a fixed random linear read-out), and return ||dL/dh_t|| for t = T-1, T-2, ..., 0, i.e.
    indexed by the distance from the loss. The norms are averaged over the batch.
    """
    T, B, _ = inputs.shape
    H = cell.hidden_size
    gen = torch.Generator().manual_seed(seed)
    readout = torch.randn(H, generator=gen).to(inputs.device) / math.sqrt(H)
    h = inputs.new_zeros(B, H)
    c = inputs.new_zeros(B, H)
    hs = []
    for t in range(T):
        if isinstance(cell, nn.LSTMCell):
            h, c = cell(inputs[t], (h, c))
        else:
            h = cell(inputs[t], h)
        h.retain_grad()
        hs.append(h)
    loss = (hs[-1] @ readout).sum()
    loss.backward()
    return [hs[T - 1 - d].grad.norm(dim=-1).mean().item() for d in range(T)]
