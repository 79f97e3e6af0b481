"""Fine-tuning a pre-trained model (chapter 6); chapters 7 (PEFT) and 10 (RLHF) reuse it.

- **An instruction-task mixture**, a runnable miniature of FLAN: seeded task families built from
  the Shakespeare corpus and small generators, each with a few instruction templates.
  :data:`HELD_IN` families are for training, :data:`HELD_OUT` families only for evaluation.
  :func:`make_examples` draws examples, :func:`to_messages` turns one into a chat,
  :func:`score_response` grades a model's answer and :func:`answer_form_ok` checks only its
  form.
- **Supervised fine-tuning (SFT)** with the loss on the response only:
  :func:`assistant_labels` (labels from the chat template's assistant mask),
  :func:`response_only_labels` (the same, found by searching for the response marker),
  :func:`pad_batch`, :func:`response_loss`, :func:`mixed_loss` and the loop :func:`sft_train`.
- :func:`generate_responses` (batched greedy answers) and :func:`task_scores`.
- **Classification** with a sequence-classification head: :func:`encode_texts`,
  :func:`classifier_batches`, :func:`classifier_loss`, :func:`predict_classes`;
  :func:`body_lm_loss` and :func:`body_as_lm` use the classifier's body as a language model
  again (to measure, and limit, what it forgets).
- **Domain text** for continued pre-training: :func:`python_docs`, the docstrings of standard
  library modules (technical English, far from Shakespeare, present on every machine).
"""
from __future__ import annotations

import importlib
import inspect
import random
import re
from functools import lru_cache

import torch
import torch.nn.functional as F

__all__ = ["PLAYS", "TASKS", "HELD_IN", "HELD_OUT", "COLLECTION", "dialogue_lines",
           "make_example", "make_examples", "to_messages", "prompt_text", "extract_answer",
           "score_response", "answer_form_ok", "assistant_labels", "response_only_labels",
           "pad_batch", "response_loss", "lm_loss", "mixed_loss", "sft_train",
           "generate_responses", "task_scores", "encode_texts", "classifier_batches",
           "classifier_loss", "predict_classes", "body_lm_loss", "body_as_lm", "DOC_MODULES",
           "python_docs"]

# --------------------------------------------------------------------------------------------
# the instruction-task mixture
# --------------------------------------------------------------------------------------------
PLAYS = {"hamlet": "Hamlet", "macbeth": "Macbeth", "romeo_and_juliet": "Romeo and Juliet",
         "othello": "Othello", "lear": "King Lear", "julius_caesar": "Julius Caesar",
         "tempest": "The Tempest", "twelfth_night": "Twelfth Night"}


@lru_cache(maxsize=2)
def dialogue_lines(works: tuple[str, ...] = tuple(PLAYS)) -> list[tuple[str, str, str]]:
    """``(play, speaker, line)`` for the first line of every speech in ``works`` that is plain
    verse or prose of 4 to 9 words; speakers are the play's 8 most frequent."""
    from .data import load_corpus

    out = []
    for work in works:
        rows = []
        for block in load_corpus((work,)).split("\n\n"):
            lines = block.strip().split("\n")
            if len(lines) < 2 or not re.fullmatch(r"[A-Z][A-Za-z' ]{1,20}\.", lines[0]):
                continue
            line = lines[1].strip()
            if re.fullmatch(r"[A-Za-z',;:!?.\- ]+", line) and 4 <= len(line.split()) <= 9:
                who = lines[0][:-1]
                rows.append((PLAYS.get(work, work), who.title() if who.isupper() else who, line))
        counts: dict[str, int] = {}
        for _, who, _ in rows:
            counts[who] = counts.get(who, 0) + 1
        top = set(sorted(counts, key=lambda w: -counts[w])[:8])
        out += [r for r in rows if r[1] in top]
    return out


def _words(line: str) -> list[str]:
    return re.findall(r"[A-Za-z']+", line)


_NAMES = ["Anne", "Ben", "Kate", "Tom", "Viola", "Hal", "Rosa", "Jack"]
_THINGS = ["roses", "coins", "apples", "letters", "candles", "rings", "books", "swords"]


def _dialogue(rng):
    return rng.choice(dialogue_lines())


def _t_last_word(rng):
    _, _, line = _dialogue(rng)
    ask = rng.choice(["What is the last word of this line?\n{x}",
                      "Line: {x}\nWhich word does the line end with?"])
    return ask.format(x=line), _words(line)[-1], _words(line)[-1]


def _t_speaker(rng):
    play, who, line = _dialogue(rng)
    other = rng.choice(sorted({w for p, w, _ in dialogue_lines() if p == play and w != who}))
    a, b = rng.sample([who, other], 2)
    ask = rng.choice(["Who speaks this line, {a} or {b}?\n{x}",
                      "Line: {x}\nIs the speaker {a} or {b}?"])
    return ask.format(a=a, b=b, x=line), who, who, [a, b]


def _t_play(rng):
    play, _, line = _dialogue(rng)
    other = rng.choice(sorted(set(PLAYS.values()) - {play}))
    a, b = rng.sample([play, other], 2)
    ask = rng.choice(["Which play is this line from, {a} or {b}?\n{x}",
                      "Line: {x}\nDoes it come from {a} or from {b}?"])
    return ask.format(a=a, b=b, x=line), play, play, [a, b]


def _t_complete(rng):
    _, _, line = _dialogue(rng)
    words = line.split()
    cut = len(words) // 2
    ask = rng.choice(["Complete this line of verse:\n{x}", "Finish the line: {x}"])
    rest = " ".join(words[cut:])
    return ask.format(x=" ".join(words[:cut])), rest, rest


def _t_count(rng):
    _, _, line = _dialogue(rng)
    n = str(len(_words(line)))
    ask = rng.choice(["How many words are in this line?\n{x}", "Line: {x}\nCount its words."])
    return ask.format(x=line), n, n


def _t_sentiment(rng):
    from .data import sentiment_reviews

    text, label = sentiment_reviews(1, seed=rng.randrange(10**9))[0]
    ask = rng.choice(["Is this review positive or negative?\n{x}",
                      "Review: {x}\nDid the reviewer like it? Answer positive or negative."])
    answer = "positive" if label else "negative"
    return ask.format(x=text), answer, answer, ["positive", "negative"]


def _t_add_cot(rng):
    who, what = rng.choice(_NAMES), rng.choice(_THINGS)
    a, b = rng.randint(1, 9), rng.randint(2, 9)
    ask = rng.choice(["{w} has {a} {t} and gets {b} more. How many {t} does {w} have now?",
                      "Add {b} {t} to {w}'s {a} {t}. How many are there? Think step by step."])
    steps = f"{who} starts with {a} and gets {b}: {a} + {b} = {a + b}. The answer is {a + b}."
    return ask.format(w=who, t=what, a=a, b=b), steps, str(a + b)


def _t_sub_cot(rng):
    who, what = rng.choice(_NAMES), rng.choice(_THINGS)
    b = rng.randint(2, 8)
    a = rng.randint(b + 1, 9)
    ask = rng.choice(["{w} has {a} {t} and gives away {b}. How many {t} does {w} have now?",
                      "Take {b} {t} from {w}'s {a} {t}. How many are left? Think step by step."])
    steps = f"{who} starts with {a} and gives {b}: {a} - {b} = {a - b}. The answer is {a - b}."
    return ask.format(w=who, t=what, a=a, b=b), steps, str(a - b)


def _balanced(seq) -> bool:
    depth = 0
    for c in seq:
        depth += 1 if c == "(" else -1
        if depth < 0:
            return False
    return depth == 0


def _t_brackets(rng):
    ok = rng.random() < 0.5                      # half balanced, half not
    while True:
        seq = [rng.choice("()") for _ in range(2 * rng.randint(2, 4))]
        if _balanced(seq) == ok:
            break
    ask = rng.choice(["Are these brackets balanced, yes or no? {x}",
                      "Brackets: {x}\nBalanced, yes or no?"])
    answer = "yes" if ok else "no"
    return ask.format(x=" ".join(seq)), answer, answer, ["yes", "no"]


# task name -> generator(rng) -> (instruction, response, answer[, options of a choice task])
TASKS = {"speaker": _t_speaker, "complete": _t_complete, "sentiment": _t_sentiment,
         "count": _t_count, "add_cot": _t_add_cot, "play": _t_play, "brackets": _t_brackets,
         "last_word": _t_last_word, "sub_cot": _t_sub_cot}
HELD_IN = ["speaker", "complete", "sentiment", "count", "add_cot"]
HELD_OUT = ["play", "brackets", "last_word", "sub_cot"]
# which collection of the Flan mixture (held-in) or of its evaluation (held-out) each mirrors
COLLECTION = {"speaker": "T0-SF", "complete": "Muffin", "sentiment": "NIv2", "count": "NIv2",
              "add_cot": "CoT", "play": "MMLU", "brackets": "BBH", "last_word": "TyDiQA",
              "sub_cot": "MGSM"}


def make_example(task: str, rng: random.Random) -> dict:
    """One example of ``task``: ``{"task", "instruction", "response", "answer", "options"}``
    (``options``: the allowed answers of a choice task, else ``None``)."""
    instruction, response, answer, *options = TASKS[task](rng)
    return {"task": task, "instruction": instruction, "response": response, "answer": answer,
            "options": options[0] if options else None}


def make_examples(tasks, n_per_task: int, seed: int = 0) -> list[dict]:
    """``n_per_task`` examples of every task in ``tasks``, shuffled (seeded)."""
    rng = random.Random(seed)
    out = [make_example(t, rng) for t in tasks for _ in range(n_per_task)]
    rng.shuffle(out)
    return out


def to_messages(example: dict) -> list[dict]:
    """The example as a two-turn chat (what ``apply_chat_template`` and ``trl`` take)."""
    return [{"role": "user", "content": example["instruction"]},
            {"role": "assistant", "content": example["response"]}]


def prompt_text(tok, instruction: str) -> str:
    """The chat-formatted prompt that asks the model to respond to ``instruction``."""
    return tok.apply_chat_template([{"role": "user", "content": instruction}], tokenize=False,
                                   add_generation_prompt=True)


def extract_answer(task: str, response: str) -> str:
    """The answer inside a response: the number after "The answer is" for the
    chain-of-thought tasks, otherwise the first line, lower-cased, without final punctuation."""
    if task.endswith("_cot"):
        m = re.search(r"answer is (-?\d+)", response)
        return m.group(1) if m else ""
    first = response.strip().split("\n")[0] if response.strip() else ""
    return first.strip().rstrip(".!?").strip().lower()


def score_response(example: dict, response: str) -> float:
    """1.0 if the response's answer is right, else 0.0; for ``complete`` (open-ended) the
    ROUGE-L F1 against the reference."""
    if example["task"] == "complete":
        from .evaluate import rouge_l

        return rouge_l(response, example["answer"])["f"]
    return float(extract_answer(example["task"], response) == example["answer"].lower())


def answer_form_ok(example: dict, response: str) -> bool:
    """Whether the response answers in the form the instruction asks for, right or wrong: one of
    the offered options, a number, "The answer is N" after the steps, one word of the line, or
    a few words of verse."""
    text = response.replace("<|endoftext|>", "").strip()
    task, answer = example["task"], extract_answer(example["task"], text)
    if task.endswith("_cot"):
        return answer != ""
    if example.get("options"):
        return answer in [o.lower() for o in example["options"]]
    if task == "count":
        return answer.isdigit()
    if task == "last_word":
        return len(answer.split()) == 1 and answer in example["instruction"].lower()
    return 1 <= len(text.split()) <= 12 and "\n" not in text  # complete: a short piece of verse


# --------------------------------------------------------------------------------------------
# supervised fine-tuning
# --------------------------------------------------------------------------------------------
def assistant_labels(tok, messages: list[dict]) -> tuple[list[int], list[int]]:
    """``(input_ids, labels)`` of a chat: the labels are the ids where the chat template marks
    assistant tokens (its ``{% generation %}`` block) and -100 (ignored by the loss) elsewhere."""
    enc = tok.apply_chat_template(messages, tokenize=True, return_dict=True,
                                  return_assistant_tokens_mask=True)
    ids = list(enc["input_ids"])
    return ids, [i if m else -100 for i, m in zip(ids, enc["assistant_masks"])]


def response_only_labels(input_ids: list[int], marker: list[int], eos_id: int) -> list[int]:
    """Labels that train on the response only, found without the template's help: every token
    up to the end of the last ``marker`` (e.g. the ids of ``"### Response:\\n"``) becomes -100,
    and so does everything after the first ``eos_id`` that follows it."""
    n = len(marker)
    starts = [i for i in range(len(input_ids) - n + 1) if input_ids[i:i + n] == marker]
    if not starts:
        return [-100] * len(input_ids)
    start = starts[-1] + n
    labels = [-100] * len(input_ids)
    for i in range(start, len(input_ids)):
        labels[i] = input_ids[i]
        if input_ids[i] == eos_id:
            break
    return labels


def pad_batch(rows: list[tuple[list[int], list[int]]], pad_id: int):
    """Right-pad ``(input_ids, labels)`` rows: ``input_ids``, ``attention_mask``, ``labels``
    tensors, with -100 labels on the padding."""
    T = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), T), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), T), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), T), dtype=torch.long)
    for r, (x, y) in enumerate(rows):
        ids[r, :len(x)], labels[r, :len(y)], mask[r, :len(x)] = (torch.tensor(x), torch.tensor(y),
                                                                  1)
    return ids, mask, labels


def response_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100: position t
    predicts label t+1, so logits and labels are shifted against each other."""
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)),
                           labels[:, 1:].reshape(-1), ignore_index=-100)


def lm_loss(model, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The pre-training loss of a ``transformers`` causal LM on windows ``x`` and targets ``y``
    (``llmz.pretrain.random_batch``)."""
    logits = model(input_ids=x).logits
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))


def mixed_loss(l_new: torch.Tensor, l_orig: torch.Tensor, alpha: float) -> torch.Tensor:
    """``alpha * l_new + (1 - alpha) * l_orig``: the new task's loss, weighted against the
    original (pre-training) loss to limit catastrophic forgetting. ``alpha=1`` is plain
    fine-tuning; ``alpha=0`` only continues pre-training."""
    return alpha * l_new + (1 - alpha) * l_orig


def sft_train(model, data: list[tuple[list[int], list[int]]], *, steps: int,
              batch_size: int = 16, lr: float = 1e-3, warmup: int = 10, clip: float = 1.0,
              pad_id: int = 2047, replay: torch.Tensor | None = None, alpha: float = 1.0,
              replay_batch: int = 8, replay_block: int = 64, seed: int = 0, device=None,
              progress: bool = True) -> dict:
    """Supervised fine-tuning of a ``transformers`` causal LM on ``(input_ids, labels)`` rows.

    Each step samples ``batch_size`` rows (seeded), pads them, and minimises
    :func:`response_loss`. With ``replay`` (a token stream of the original training data) and
    ``alpha < 1`` it minimises ``mixed_loss(task loss, LM loss on a replay batch, alpha)``.
    AdamW, warm-up then cosine decay (``llmz.pretrain.lr_at``), gradients clipped to ``clip``.

    Under ``accelerate launch`` (N processes) the same call trains data-parallel: every process
    samples the same global batch and trains on its N-th share of the rows, with the task loss
    normalised by the global count of response tokens, so the averaged gradients and the
    parameters equal one process's on the whole batch (``batch_size`` and ``replay_batch``
    must divide by N); the history records global losses.

    Returns ``{"step", "loss", "task_loss", "orig_loss", "seconds"}``.
    """
    import time

    from .device import get_device, launched_accelerator, shard_rows
    from .pretrain import Progress, lr_at, random_batch

    acc = launched_accelerator()
    device = acc.device if acc is not None else (
        torch.device(device) if device is not None else get_device())
    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    net = model
    if acc is not None:
        net, opt = acc.prepare(model, opt)
        progress = progress and acc.is_main_process
    g = torch.Generator().manual_seed(seed)
    hist = {"step": [], "loss": [], "task_loss": [], "orig_loss": []}
    bar = Progress(steps, "fine-tuning") if progress else None
    t0 = time.perf_counter()
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, lr, warmup, steps, lr / 10)
        pick = torch.randint(len(data), (batch_size,), generator=g).tolist()
        rows = [data[i] for i in pick]
        ids, mask, labels = (t.to(device) for t in pad_batch(shard_rows(rows, acc), pad_id))
        logits = net(input_ids=ids, attention_mask=mask).logits
        if acc is None:
            l_new = response_loss(logits, labels)
        else:  # this share's summed token losses over the whole batch's count, times N
            total = sum(sum(t != -100 for t in y[1:]) for _, y in rows)
            l_new = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)),
                                    labels[:, 1:].reshape(-1), ignore_index=-100,
                                    reduction="sum") / max(total, 1) * acc.num_processes
        if replay is not None and alpha < 1:
            x, y = (shard_rows(t, acc) for t in
                    random_batch(replay, replay_batch, replay_block, g, device))
            l_orig = lm_loss(model, x, y)  # the bare model: DDP takes one forward per backward
        else:
            l_orig = torch.zeros((), device=device)
        loss = mixed_loss(l_new, l_orig, alpha)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        hist["step"].append(step)
        for key, value in (("loss", loss), ("task_loss", l_new), ("orig_loss", l_orig)):
            hist[key].append((acc.reduce(value.detach(), "mean") if acc else value).item())
        if bar is not None:
            bar.update(hist["loss"][-1])
    if bar is not None:
        bar.close()
    hist["seconds"] = time.perf_counter() - t0
    model.eval()
    return hist


@torch.no_grad()
def generate_responses(model, tok, instructions: list[str], max_new_tokens: int = 24,
                       batch_size: int = 128) -> list[str]:
    """Greedy responses to ``instructions`` (chat-formatted, batched with left padding). Each
    response keeps its ``<|endoftext|>`` if the model produced one, and is cut there."""
    model.eval()
    side, tok.padding_side = tok.padding_side, "left"
    device = next(model.parameters()).device
    out = []
    try:
        for i in range(0, len(instructions), batch_size):
            enc = tok([prompt_text(tok, s) for s in instructions[i:i + batch_size]],
                      return_tensors="pt", padding=True).to(device)
            ys = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
            for y in ys[:, enc["input_ids"].shape[1]:].tolist():
                if tok.eos_token_id in y:
                    y = y[:y.index(tok.eos_token_id) + 1]
                out.append(tok.decode(y))
    finally:
        tok.padding_side = side
    return out


def task_scores(examples: list[dict], responses: list[str], form: bool = False
                ) -> dict[str, float]:
    """Mean :func:`score_response` per task (with ``form=True``: the share of responses in the
    requested form, :func:`answer_form_ok`), and ``"stops"``: the share of responses that end
    with ``<|endoftext|>`` (the model learnt to stop)."""
    per: dict[str, list[float]] = {}
    for ex, r in zip(examples, responses):
        s = (float(answer_form_ok(ex, r)) if form
             else score_response(ex, r.replace("<|endoftext|>", "")))
        per.setdefault(ex["task"], []).append(s)
    scores = {t: sum(v) / len(v) for t, v in per.items()}
    scores["stops"] = sum(r.endswith("<|endoftext|>") for r in responses) / len(responses)
    return scores


# --------------------------------------------------------------------------------------------
# classification with a sequence-classification head
# --------------------------------------------------------------------------------------------
def encode_texts(tok, texts: list[str]):
    """``input_ids`` and ``attention_mask`` for ``texts``, right-padded (a GPT classifier reads
    its label off the last non-padding token)."""
    side, tok.padding_side = tok.padding_side, "right"
    enc = tok(list(texts), return_tensors="pt", padding=True)
    tok.padding_side = side
    return enc["input_ids"], enc["attention_mask"]


def classifier_batches(tok, texts: list[str], labels: list[int], batch_size: int = 32,
                       seed: int = 0):
    """``batch_fn(step) -> (input_ids, attention_mask, labels)`` of random examples (seeded),
    for ``llmz.rnn.train_loop``."""
    ids, mask = encode_texts(tok, texts)
    y = torch.tensor(labels)
    g = torch.Generator().manual_seed(seed)

    def batch_fn(step):
        pick = torch.randint(len(y), (batch_size,), generator=g)
        return ids[pick], mask[pick], y[pick]
    return batch_fn


def classifier_loss(model, ids, mask, labels) -> torch.Tensor:
    """Cross-entropy of a ``...ForSequenceClassification`` model (it computes it from
    ``labels``)."""
    return model(input_ids=ids, attention_mask=mask, labels=labels).loss


@torch.no_grad()
def predict_classes(model, tok, texts: list[str], batch_size: int = 256) -> list[int]:
    """The arg-max class of every text."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(texts), batch_size):
        ids, mask = encode_texts(tok, texts[i:i + batch_size])
        logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
        out += logits.argmax(-1).tolist()
    return out


def body_lm_loss(clf, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The pre-training loss of a classifier's body: its last hidden states times the (tied)
    token-embedding matrix give next-token logits, as in the language model it came from."""
    body = clf.base_model
    h = body(input_ids=x).last_hidden_state
    logits = h @ body.get_input_embeddings().weight.T
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))


def body_as_lm(clf, lm):
    """``lm`` (a causal LM of the same architecture, modified in place) with the classifier's
    body: the language model the classifier's fine-tuning has left behind."""
    lm.base_model.load_state_dict(clf.base_model.state_dict())
    return lm.eval()


# --------------------------------------------------------------------------------------------
# a new domain for continued pre-training
# --------------------------------------------------------------------------------------------
DOC_MODULES = ("collections", "functools", "itertools", "json", "random", "statistics",
               "textwrap", "string", "re", "pathlib", "argparse", "logging", "unittest",
               "datetime", "heapq", "bisect", "fractions", "decimal", "csv", "shutil", "typing",
               "dataclasses", "enum", "inspect", "subprocess", "threading", "socket",
               "urllib.parse", "zipfile", "difflib", "contextlib", "operator", "copy", "pprint")


def python_docs(modules=DOC_MODULES) -> dict[str, str]:
    """The documentation of Python standard-library modules, one text per module: the module's
    docstring, then ``name: docstring`` for each public function and class defined in it."""
    out = {}
    for name in modules:
        mod = importlib.import_module(name)
        parts = [inspect.getdoc(mod) or ""]
        for key, obj in sorted(vars(mod).items()):
            if key.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                doc = inspect.getdoc(obj)
                if doc:
                    parts.append(f"{key}: {doc}")
        out[name] = "\n\n".join(p for p in parts if p)
    return out
