"""Prompting and in-context learning (chapter 5).

- Writing prompts: :func:`compose_prompt` joins the five parts of a prompt, :func:`build_messages`
  turns them into chat messages, :func:`few_shot_prompt` lays out solved examples before a query
  (exercise 5's contract, with a choice of layout) and :func:`draw_shots` draws k of them at
  random within a token budget.
- Getting answers: :func:`generate_text` continues a batch of prompts, :func:`chat` answers a
  batch of conversations through the model's chat template.
- A language model as a classifier, without training: :func:`label_logprobs` scores each label
  by its log-likelihood after a prompt (exercise 5's contract for one prompt, batched for many),
  :func:`classify_by_likelihood` takes the best one.
- Checking and forcing the shape of an answer: :func:`validate_fields` lists what is wrong with a
  JSON answer whose fields each take a type or a list of values (exercise 5's ``validate_json``
  takes a JSON-Schema subset instead), :func:`schema_options` spells out every answer a tiny schema allows, and
  :func:`constrained_generate` decodes with a mask (:func:`allowed_tokens`) that lets through
  only the tokens that keep the answer on the way to one of the allowed ones.

Every function works with any ``transformers`` causal LM and its tokenizer.
"""
from __future__ import annotations

import copy
import itertools
import json
import random

import torch
import torch.nn.functional as F

__all__ = ["PARTS", "INPUT_OUTPUT", "REVIEW_SENTIMENT", "compose_prompt", "build_messages",
           "few_shot_prompt", "n_tokens", "draw_shots", "generate_text", "chat", "label_logprobs",
           "classify_by_likelihood", "validate_fields", "schema_options", "allowed_tokens",
           "constrained_generate"]

# the five parts of a prompt, in the order compose_prompt writes them
PARTS = ("context", "instruction", "task", "setup", "output_format")
# layouts of one solved example for few_shot_prompt
INPUT_OUTPUT = "Input: {text}\nOutput: {label}"          # exercise 5's
REVIEW_SENTIMENT = "Review: {text}\nSentiment: {label}"  # chapters 5 and 6's reviews


# --------------------------------------------------------------------------------------------
# writing prompts
# --------------------------------------------------------------------------------------------
def compose_prompt(context: str = "", instruction: str = "", task: str = "", setup: str = "",
                   output_format: str = "", sep: str = "\n\n") -> str:
    """One prompt from its five parts, in the order of :data:`PARTS`, empty parts left out,
    as plain paragraphs (exercise 5's ``build_prompt`` writes a ``### header`` above each).

    ``context``: the background or the role the model plays; ``instruction``: how to do the
    task (style, audience, length); ``task``: what to do, with its input; ``setup``: anything
    that frames it further (a persona, constraints, examples); ``output_format``: the shape of
    the answer. The format comes last, right before the model starts writing."""
    parts = [context, instruction, task, setup, output_format]
    return sep.join(p.strip() for p in parts if p and p.strip())


def build_messages(context: str = "", instruction: str = "", task: str = "", setup: str = "",
                   output_format: str = "") -> list[dict]:
    """The same parts as chat messages: what holds for the whole conversation (context,
    instruction, setup) becomes the system message, this request (task, output format) the
    user message."""
    system = compose_prompt(context=context, instruction=instruction, setup=setup)
    user = compose_prompt(task=task, output_format=output_format)
    return ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}]


def few_shot_prompt(shots, query: str, instruction: str = "", *, template: str = INPUT_OUTPUT,
                    sep: str = "\n\n") -> str:
    """An optional instruction (stripped), the solved examples ``shots`` (``(text, label)``
    pairs) and the query, in blocks separated by a blank line, each example written with
    ``template`` (exercise 5's ``Input:``/``Output:`` layout unless asked otherwise, e.g.
    :data:`REVIEW_SENTIMENT`). The query stops right before its label slot, *without* the space
    before it: score or generate labels as ``" " + label``, the way they were tokenized inside
    the examples."""
    head = template.split("{label}")[0].format(text=query).rstrip()
    blocks = [instruction.strip()] if instruction.strip() else []
    blocks += [template.format(text=t, label=lab) for t, lab in shots]
    return sep.join(blocks + [head])


def n_tokens(tokenizer, text: str) -> int:
    """How many tokens ``text`` costs with ``tokenizer``."""
    return len(tokenizer(text)["input_ids"])


def draw_shots(pool, query: str, tokenizer, budget: int, k: int, seed: int = 0,
               **prompt_kw) -> list:
    """Up to ``k`` examples drawn from ``pool`` at random (``seed``), in the order drawn, such
    that ``few_shot_prompt(shots, query, **prompt_kw)`` stays within ``budget`` tokens. It stops
    at the first example that would not fit, so it may return fewer than ``k``. (Exercise 5's
    ``select_shots`` walks the pool in order instead, and skips what does not fit.)"""
    order = random.Random(seed).sample(range(len(pool)), len(pool))
    shots = []
    for i in order[:k]:
        if n_tokens(tokenizer, few_shot_prompt(shots + [pool[i]], query, **prompt_kw)) > budget:
            break
        shots.append(pool[i])
    return shots


def _encode_left(tokenizer, prompts, device, **kw) -> dict:
    """A batch of prompts padded on the left, so that every continuation starts at the same
    position (``generate`` then derives each row's positions from the attention mask)."""
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    try:
        enc = tokenizer(list(prompts), padding=True, return_tensors="pt", **kw)
    finally:
        tokenizer.padding_side = side
    return {k: v.to(device) for k, v in enc.items()}


@torch.no_grad()
def generate_text(model, tokenizer, prompts, max_new_tokens: int = 64, chat_format: bool = False,
                  skip_special_tokens: bool = True, **generate_kw) -> list[str]:
    """The continuations of a batch of text ``prompts``, greedy unless ``generate_kw`` says
    otherwise (e.g. ``do_sample=True, top_p=0.9``). ``generate`` gets the attention mask and
    the pad token, so the padding changes nothing. ``chat_format``: the prompts already went
    through a chat template, which added any special tokens they need.
    ``skip_special_tokens=False`` keeps markers such as end-of-text in the answers."""
    enc = _encode_left(tokenizer, prompts, next(model.parameters()).device,
                       add_special_tokens=not chat_format)
    generate_kw.setdefault("do_sample", False)
    out = model.generate(**enc, max_new_tokens=max_new_tokens,
                         pad_token_id=tokenizer.pad_token_id, **generate_kw)
    new = out[:, enc["input_ids"].size(1):]
    texts = tokenizer.batch_decode(new, skip_special_tokens=skip_special_tokens)
    return [t.strip() for t in texts]


def chat(model, tokenizer, conversations, max_new_tokens: int = 64, **generate_kw) -> list[str]:
    """The model's answers to a batch of ``conversations``, each a list of
    ``{"role": ..., "content": ...}`` messages. Each goes through the tokenizer's chat template
    with the generation prompt (the header of the assistant's turn) added at the end, then
    through :func:`generate_text`."""
    prompts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True)
               for c in conversations]
    return generate_text(model, tokenizer, prompts, max_new_tokens, chat_format=True,
                         **generate_kw)


# --------------------------------------------------------------------------------------------
# classifying by likelihood
# --------------------------------------------------------------------------------------------
def _common_prefix(rows: list[list[int]]) -> int:
    n = min(len(r) for r in rows) - 1                      # leave every row at least one token
    for i in range(n):
        if any(r[i] != rows[0][i] for r in rows):
            return i
    return max(n, 0)


@torch.no_grad()
def label_logprobs(model, tokenizer, prompts, labels, batch_size: int = 32) -> torch.Tensor:
    """Log-probabilities of each label (a string, e.g. ``" positive"``) as the continuation of
    a prompt: the sum of its tokens' log-probabilities, prompt and label encoded separately.
    For one prompt (a string) a tensor of shape ``(L,)``, as in exercise 5; for a list of N
    prompts, ``(N, L)``.

    No text is generated. One forward pass reads prompt + label, and the logits give the
    probability of every label token given what comes before it. The token prefix that all
    prompts share (the instruction and the examples of a few-shot prompt) is read only once:
    its keys and values (the KV cache of chapter 4) serve every row. When every label is a
    single token, one pass over each prompt scores all the labels at once."""
    if isinstance(prompts, str):
        return label_logprobs(model, tokenizer, [prompts], labels, batch_size)[0]
    prompts = list(prompts)
    rows = [tokenizer(p)["input_ids"] for p in prompts]
    label_ids = [tokenizer(lab, add_special_tokens=False)["input_ids"] for lab in labels]
    single = all(len(ids) == 1 for ids in label_ids)
    device = next(model.parameters()).device
    # 1. read the shared prefix once
    n_pre = _common_prefix(rows)
    shared = (model(input_ids=torch.tensor([rows[0][:n_pre]], device=device),
                    use_cache=True).past_key_values if n_pre else None)
    # 2. what is left to read: (prompt i, label j, tokens), the label appended unless single
    jobs = ([(i, None, r[n_pre:]) for i, r in enumerate(rows)] if single else
            [(i, j, r[n_pre:] + lab) for i, r in enumerate(rows)
             for j, lab in enumerate(label_ids)])
    jobs.sort(key=lambda job: len(job[2]))                 # similar lengths: little padding
    # 3. read it in batches on top of the shared cache; right padding keeps positions exact
    out = torch.zeros(len(rows), len(labels))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    for b in range(0, len(jobs), batch_size):
        batch = jobs[b:b + batch_size]
        width = max(len(t) for _, _, t in batch)
        ids = torch.tensor([t + [pad] * (width - len(t)) for _, _, t in batch], device=device)
        mask = torch.tensor([[1] * (n_pre + len(t)) + [0] * (width - len(t)) for _, _, t in batch],
                            device=device)
        cache = None
        if shared is not None:
            cache = copy.deepcopy(shared)
            cache.batch_repeat_interleave(len(batch))
        # the first position whose prediction we need: the one before the first label token
        first = min(len(t) - 1 - (0 if single else len(label_ids[j])) for _, j, t in batch)
        logits = model(input_ids=ids, attention_mask=mask, past_key_values=cache,
                       logits_to_keep=width - first).logits     # positions first .. width - 1
        logp = F.log_softmax(logits.float(), dim=-1).cpu()
        for r, (i, j, t) in enumerate(batch):
            if single:                                     # all labels from the last position
                out[i] = logp[r, len(t) - 1 - first, [lab[0] for lab in label_ids]]
            else:                                          # label token n given the ones before
                lab = label_ids[j]
                pos = torch.arange(len(lab)) + len(t) - len(lab) - 1 - first
                out[i, j] = logp[r, pos, lab].sum()
    return out


def classify_by_likelihood(model, tokenizer, prompts, labels, **kw) -> torch.Tensor:
    """The index of the most likely label for each prompt (see :func:`label_logprobs`)."""
    return label_logprobs(model, tokenizer, prompts, labels, **kw).argmax(dim=-1)


# --------------------------------------------------------------------------------------------
# answer validation and constrained decoding
# --------------------------------------------------------------------------------------------
def _allowed_value(value, rule) -> bool:
    if isinstance(rule, type):                             # a type: int, str, float, bool
        return isinstance(value, rule) and not (rule is not bool and isinstance(value, bool))
    return any(type(value) is type(r) and value == r for r in rule)   # an enum: list of values


def validate_fields(text: str, schema: dict) -> list[str]:
    """What is wrong with ``text`` as an answer in the format ``schema``; ``[]`` if nothing.

    ``schema`` maps each required key to a list of allowed values (an enum) or to a type, e.g.
    ``{"sentiment": ["positive", "negative"], "stars": [1, 2, 3, 4, 5]}``. The text must be
    exactly one JSON object with exactly these keys: no prose or code fences around it."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        return [f"not JSON: {e.msg} at line {e.lineno}, column {e.colno}"]
    if not isinstance(obj, dict):
        return [f"not a JSON object: got a {type(obj).__name__}"]
    errors = [f"missing key {k!r}" for k in schema if k not in obj]
    errors += [f"unexpected key {k!r}" for k in obj if k not in schema]
    for key, rule in schema.items():
        if key in obj and not _allowed_value(obj[key], rule):
            want = (f"of type {rule.__name__}" if isinstance(rule, type)
                    else f"one of {list(rule)}")
            errors.append(f"{key!r} must be {want}, got {obj[key]!r}")
    return errors


def schema_options(schema: dict) -> list[str]:
    """Every answer an enum-only ``schema`` allows, as JSON strings in ``json.dumps``' layout,
    one per combination of values: the finite set :func:`constrained_generate` chooses from."""
    if not all(isinstance(rule, (list, tuple)) for rule in schema.values()):
        raise ValueError("schema_options needs a list of allowed values for every key")
    return [json.dumps(dict(zip(schema, values))) for values in itertools.product(*schema.values())]


def allowed_tokens(generated: list[int], options: list[list[int]], eos_token_id: int) -> list[int]:
    """The ids that may follow the tokens ``generated`` so far: the next token of every option
    (a list of token ids) that starts with ``generated``, and the end-of-text token once
    ``generated`` is a complete option. The options form a tree (a trie); this walks it."""
    n = len(generated)
    allowed = {opt[n] for opt in options if len(opt) > n and opt[:n] == generated}
    if generated in options:
        allowed.add(eos_token_id)
    return sorted(allowed) or [eos_token_id]               # past the end: only end-of-text


@torch.no_grad()
def constrained_generate(model, tokenizer, prompts, options, chat_format: bool = False,
                         **generate_kw) -> list[str]:
    """Continue each prompt with one of ``options`` (strings) and nothing else.

    Each option is spelled with the tokenizer's own tokens. At every step ``generate`` calls
    :func:`allowed_tokens` on what the row has produced so far and sets the scores of all other
    tokens to -inf (``prefix_allowed_tokens_fn``), then decodes as usual: greedy unless
    ``generate_kw`` asks for sampling. Whatever the model prefers, the answer is an option.
    ``chat_format`` as in :func:`generate_text`."""
    prompts = [prompts] if isinstance(prompts, str) else list(prompts)
    option_ids = [tokenizer(o, add_special_tokens=False)["input_ids"] for o in options]
    eos = tokenizer.eos_token_id
    enc = _encode_left(tokenizer, prompts, next(model.parameters()).device,
                       add_special_tokens=not chat_format)
    start = enc["input_ids"].size(1)

    def prefix_fn(batch_id, ids):
        return allowed_tokens(ids[start:].tolist(), option_ids, eos)

    generate_kw.setdefault("do_sample", False)
    out = model.generate(**enc, max_new_tokens=max(map(len, option_ids)) + 1,
                         prefix_allowed_tokens_fn=prefix_fn, eos_token_id=eos,
                         pad_token_id=tokenizer.pad_token_id, **generate_kw)
    return tokenizer.batch_decode(out[:, start:], skip_special_tokens=True)
