"""Chapter 2: tokenization and embeddings.

The heart of this module is :class:`BPETokenizer`, a byte-level byte-pair-encoding tokenizer in
the style of GPT-2 (and of karpathy/minbpe). Every later chapter uses it as *the course
tokenizer*; :func:`load_course_tokenizer` loads the copy trained on the Shakespeare corpus
(vocabulary 2048) that ships in ``llmz/assets``. Reproduce that asset bit for bit with::

    python -m llmz.bpe train --out llmz/assets

How the tokenizer works
-----------------------
1. **Pre-tokenization.** GPT-2's regular expression cuts text into chunks ("words" with their
   leading space, runs of digits, runs of punctuation, whitespace). Merges never cross a chunk
   boundary, so " king" and " kings" share pieces but "king." never becomes one token.
2. **Bytes.** Each chunk becomes its UTF-8 bytes, ids 0..255. Any string whatsoever (emoji,
   Japanese, code) is therefore representable: there is no unknown token.
3. **Merges.** Training repeatedly fuses the most frequent adjacent pair of ids into a new id
   (256, 257, ...). Encoding replays the merges in the order they were learned.

Training rule (deterministic): at each step merge the pair with the **highest count**; among
pairs with equal counts, merge the **lexicographically smallest pair of token ids** ``(a, b)``.
The result depends only on the text, never on dictionary order or hashing, so retraining gives
the same merges bit for bit.

Smaller helpers for the chapter: a word tokenizer with ``<unk>`` (:class:`WordTokenizer`), the
SentencePiece whitespace view (:func:`sp_view`), cosine similarity and nearest neighbours, and
:func:`gpt2_tokenizer`, GPT-2's real pretrained tokenizer loaded offline.
"""
from __future__ import annotations

import argparse
import heapq
import importlib.util
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import regex

__all__ = ["GPT2_PATTERN", "EOT", "BPETokenizer", "pre_tokenize", "pair_counts", "merge",
           "train_naive", "train_fast", "bytes_to_unicode",
           "load_course_tokenizer", "ASSETS", "COURSE_VOCAB_SIZE",
           "word_split", "WordTokenizer", "sp_view", "sp_unview",
           "cosine_similarity", "nearest_neighbours", "gpt2_tokenizer"]

# GPT-2's pre-tokenization pattern (the same one tiktoken and HF's ByteLevel pre-tokenizer use):
# contractions | optional space + letters | optional space + digits
# | optional space + other symbols | trailing whitespace | other whitespace.
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT = "<|endoftext|>"
ASSETS = Path(__file__).resolve().parent / "assets"
COURSE_VOCAB_SIZE = 2048
FORMAT = "llmz-bpe-v1"


# ---------------------------------------------------------------------------------------------
# pre-tokenization and the two primitives of BPE
# ---------------------------------------------------------------------------------------------
def pre_tokenize(text: str, pattern: str = GPT2_PATTERN) -> list:
    """Cut text into the chunks that merges never cross:
    ``"Good night, sweet prince" -> ['Good', ' night', ',', ' sweet', ' prince']``."""
    return regex.findall(pattern, text)


def pair_counts(ids, counts=None, weight: int = 1) -> dict:
    """Count adjacent pairs in a list of ids: ``[1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}``."""
    counts = {} if counts is None else counts
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + weight
    return counts


def merge(ids, pair, new_id) -> list:
    """Replace every occurrence of ``pair`` in ``ids`` by ``new_id`` (left to right)."""
    out, i, n = [], 0, len(ids)
    while i < n:
        if i < n - 1 and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _best(counts: dict):
    """The pair to merge next: highest count, ties -> smallest pair of ids."""
    return min(counts, key=lambda p: (-counts[p], p))


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------
def train_naive(text: str, n_merges: int, pattern: str = GPT2_PATTERN) -> dict:
    """The textbook trainer: recount every pair of every chunk after each merge.

    Clear but slow (each step costs a pass over the whole text); it exists to check the fast
    trainer and to show the algorithm. Returns ``{(a, b): new_id}`` in merge order.
    """
    chunks = [list(c.encode("utf-8")) for c in pre_tokenize(text, pattern)]
    merges = {}
    for step in range(n_merges):
        counts = {}
        for ids in chunks:
            pair_counts(ids, counts)
        if not counts:
            break
        pair = _best(counts)
        merges[pair] = 256 + step
        chunks = [merge(ids, pair, 256 + step) for ids in chunks]
    return merges


def train_fast(text: str, n_merges: int, pattern: str = GPT2_PATTERN,
               verbose: bool = False) -> dict:
    """The efficient trainer (same result as :func:`train_naive`).

    Three ideas make it fast enough for the whole corpus in seconds:
    1. count each distinct chunk ("word type") once: Shakespeare has 1.36 M chunks but only
       36 k types, and a merge acts identically on every copy of a type;
    2. keep the pair counts, weighted by type frequency, and *update* them after a merge by
       touching only the types that contain the merged pair (an index pair -> types);
    3. find the best pair with a heap of ``(-count, pair)``; stale entries (whose count has
       changed since they were pushed) are skipped when popped.
    """
    type_counts = Counter(pre_tokenize(text, pattern))
    words = [list(w.encode("utf-8")) for w in type_counts]
    freqs = list(type_counts.values())

    counts: dict = defaultdict(int)
    where: dict = defaultdict(set)  # pair -> indices of the word types that contain it
    for i, (ids, f) in enumerate(zip(words, freqs)):
        for pair in zip(ids, ids[1:]):
            counts[pair] += f
            where[pair].add(i)
    heap = [(-c, p) for p, c in counts.items()]
    heapq.heapify(heap)

    merges = {}
    while len(merges) < n_merges and heap:
        neg, pair = heapq.heappop(heap)
        if counts.get(pair, 0) != -neg:  # stale entry: the count changed after the push
            continue
        new_id = 256 + len(merges)
        merges[pair] = new_id
        if verbose and (len(merges) <= 10 or len(merges) % 250 == 0):
            print(f"merge {len(merges):5d}: {pair} -> {new_id}  (count {-neg})")
        touched = set()
        for i in where.pop(pair):
            ids, f = words[i], freqs[i]
            new = merge(ids, pair, new_id)
            for p in zip(ids, ids[1:]):  # remove the old pairs of this type ...
                counts[p] -= f
                touched.add(p)
            for p in zip(new, new[1:]):  # ... and add the new ones
                counts[p] += f
                where[p].add(i)
                touched.add(p)
            words[i] = new
        for p in touched:  # push the changed counts; drop pairs that vanished
            if counts[p] > 0:
                heapq.heappush(heap, (-counts[p], p))
            else:
                del counts[p]
                where.pop(p, None)
    return merges


# ---------------------------------------------------------------------------------------------
# the tokenizer
# ---------------------------------------------------------------------------------------------
class BPETokenizer:
    """A byte-level BPE tokenizer: ``train``, ``encode``, ``decode``, ``save``/``load`` and an
    export to Hugging Face ``tokenizers`` (:meth:`to_hf_tokenizer`, :meth:`save_hf`).

    Ids: 0..255 are the bytes, 256.. the merges in training order, then the special tokens.
    """

    def __init__(self, merges: dict | None = None, special_tokens: dict | None = None,
                 pattern: str = GPT2_PATTERN):
        self.pattern = pattern
        self._re = regex.compile(pattern)
        self.merges: dict = {}
        self.special_tokens: dict = {}
        self._set(merges or {}, special_tokens or {})

    # -- state ------------------------------------------------------------------------------
    def _set(self, merges: dict, special_tokens: dict) -> None:
        self.merges = {tuple(p): int(i) for p, i in merges.items()}
        self.special_tokens = {s: int(i) for s, i in special_tokens.items()}
        self.vocab = {i: bytes([i]) for i in range(256)}  # id -> bytes
        for (a, b), i in self.merges.items():  # dicts keep insertion order = merge order
            self.vocab[i] = self.vocab[a] + self.vocab[b]
        for s, i in self.special_tokens.items():
            self.vocab[i] = s.encode("utf-8")
        self.inverse_special = {i: s for s, i in self.special_tokens.items()}
        self._special_re = (regex.compile("(" + "|".join(regex.escape(s) for s in sorted(
            self.special_tokens, key=len, reverse=True)) + ")") if self.special_tokens else None)
        self._cache: dict = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return (f"BPETokenizer(vocab_size={self.vocab_size}, merges={len(self.merges)}, "
                f"special_tokens={list(self.special_tokens)})")

    # -- training ---------------------------------------------------------------------------
    def train(self, text: str, vocab_size: int, special_tokens=(EOT,), verbose: bool = False):
        """Learn ``vocab_size - 256 - len(special_tokens)`` merges from ``text``.

        Deterministic: highest pair count first, ties broken by the smallest pair of ids.
        Returns ``self`` so that ``BPETokenizer().train(text, 512)`` reads naturally.
        """
        n_merges = vocab_size - 256 - len(special_tokens)
        if n_merges < 0:
            raise ValueError("vocab_size must be at least 256 + the number of special tokens")
        merges = train_fast(text, n_merges, self.pattern, verbose=verbose)
        if len(merges) < n_merges:
            print(f"note: the text only supports {len(merges)} merges, not {n_merges}")
        first = 256 + len(merges)
        self._set(merges, {s: first + k for k, s in enumerate(special_tokens)})
        return self

    def truncated(self, n_merges: int) -> "BPETokenizer":
        """The tokenizer with only the first ``n_merges`` merges (BPE vocabularies are nested:
        training to a smaller size would learn exactly these merges). Special tokens follow."""
        merges = dict(list(self.merges.items())[:n_merges])
        first = 256 + len(merges)
        specials = {s: first + k for k, s in enumerate(self.special_tokens)}
        return BPETokenizer(merges, specials, self.pattern)

    # -- encoding ---------------------------------------------------------------------------
    def _encode_chunk(self, chunk: str) -> list:
        ids = self._cache.get(chunk)
        if ids is not None:
            return ids
        ids = list(chunk.encode("utf-8"))
        while len(ids) >= 2:
            # the learned pair that came earliest in training is merged first
            pair = min(zip(ids, ids[1:]), key=lambda p: self.merges.get(p, float("inf")))
            if pair not in self.merges:
                break
            ids = merge(ids, pair, self.merges[pair])
        if len(self._cache) < 200_000:
            self._cache[chunk] = ids
        return ids

    def encode_ordinary(self, text: str) -> list:
        """Encode ``text`` ignoring special tokens (``<|endoftext|>`` is spelled out as text)."""
        out = []
        for chunk in self._re.findall(text):
            out.extend(self._encode_chunk(chunk))
        return out

    def encode(self, text: str, allowed_special: bool = True) -> list:
        """Encode ``text`` to ids. Special-token strings in the text become their ids (as in
        Hugging Face tokenizers); ``allowed_special=False`` treats them as ordinary text."""
        if not allowed_special or self._special_re is None:
            return self.encode_ordinary(text)
        out = []
        for part in self._special_re.split(text):
            if part in self.special_tokens:
                out.append(self.special_tokens[part])
            elif part:
                out.extend(self.encode_ordinary(part))
        return out

    def decode_bytes(self, ids) -> bytes:
        return b"".join(self.vocab[int(i)] for i in ids)

    def decode(self, ids) -> str:
        """Ids back to text. Invalid UTF-8 (a sequence cut inside a character) becomes U+FFFD;
        for the ids of a whole string, ``decode(encode(s)) == s`` exactly."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    def pieces(self, ids) -> list:
        """The text of each token, for display (a token holding part of a character shows as
        its bytes, e.g. ``<0xE3>``)."""
        out = []
        for i in ids:
            b = self.vocab[int(i)]
            try:
                out.append(b.decode("utf-8"))
            except UnicodeDecodeError:
                out.append("".join(f"<0x{x:02X}>" for x in b))
        return out

    # -- persistence ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"format": FORMAT, "pattern": self.pattern,
                "merges": [[a, b] for (a, b) in self.merges],
                "special_tokens": self.special_tokens}

    def save(self, path) -> Path:
        """Save to our small JSON format (merges in order, special tokens, pattern)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        d = self.to_dict()
        merges = ",\n".join(f"    [{a}, {b}]" for a, b in d["merges"])
        text = ("{\n" f'  "format": {json.dumps(d["format"])},\n'
                f'  "pattern": {json.dumps(d["pattern"])},\n'
                f'  "special_tokens": {json.dumps(d["special_tokens"])},\n'
                f'  "merges": [\n{merges}\n  ]\n' "}\n")
        path.write_text(text, encoding="utf-8")
        return path

    @classmethod
    def load(cls, path) -> "BPETokenizer":
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        if d.get("format") != FORMAT:
            raise ValueError(f"{path} is not an {FORMAT} file")
        merges = {(a, b): 256 + k for k, (a, b) in enumerate(d["merges"])}
        return cls(merges, d["special_tokens"], d["pattern"])

    # -- Hugging Face export ----------------------------------------------------------------
    def to_hf_tokenizer(self):
        """The same tokenizer as a Hugging Face ``tokenizers.Tokenizer``.

        GPT-2's format: a ByteLevel pre-tokenizer (the same regex, then each byte shown as a
        printable character, see :func:`bytes_to_unicode`), a BPE model whose vocabulary maps
        those strings to our ids and whose merges are ours in order, and a ByteLevel decoder.
        """
        from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

        if self.pattern != GPT2_PATTERN:
            raise ValueError("the HF ByteLevel pre-tokenizer only supports GPT-2's pattern")
        b2u = bytes_to_unicode()
        show = {i: "".join(b2u[x] for x in self.vocab[i]) for i in range(256 + len(self.merges))}
        if len(set(show.values())) != len(show):
            raise ValueError("two merges produce the same bytes; HF's BPE cannot represent that")
        vocab = {s: i for i, s in show.items()}
        merges = [(show[a], show[b]) for (a, b) in self.merges]
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens([AddedToken(s, special=True, normalized=False)
                                for s in sorted(self.special_tokens,
                                                key=self.special_tokens.get)])
        for s, i in self.special_tokens.items():
            if tok.token_to_id(s) != i:
                raise RuntimeError(f"special token {s!r} got id {tok.token_to_id(s)}, not {i}")
        return tok

    def save_hf(self, directory) -> Path:
        """Write ``directory/tokenizer.json``, loadable with
        ``transformers.PreTrainedTokenizerFast(tokenizer_file=...)``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "tokenizer.json"
        self.to_hf_tokenizer().save(str(path), pretty=False)
        return path


def bytes_to_unicode() -> dict:
    """GPT-2's map byte -> printable character: printable Latin-1 bytes stand for themselves,
    the others (space, control bytes, ...) move to U+0100 and up, so ' ' shows as 'Ġ'."""
    keep = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
            + list(range(ord("®"), ord("ÿ") + 1)))
    out, extra = {}, 0
    for b in range(256):
        if b in keep:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + extra)
            extra += 1
    return out


def load_course_tokenizer() -> BPETokenizer:
    """The course tokenizer: byte-level BPE, 2048 ids, trained on the whole Shakespeare corpus
    (``python -m llmz.bpe train --out llmz/assets`` reproduces it)."""
    return BPETokenizer.load(ASSETS / "course_tokenizer.json")


def train_course_tokenizer(text: str | None = None, vocab_size: int = COURSE_VOCAB_SIZE,
                           verbose: bool = False) -> BPETokenizer:
    """Train the course tokenizer from scratch (on the whole corpus unless ``text`` is given)."""
    if text is None:
        from .data import load_corpus
        text = load_corpus()
    return BPETokenizer().train(text, vocab_size, special_tokens=(EOT,), verbose=verbose)


# ---------------------------------------------------------------------------------------------
# word-level tokenization and SentencePiece's whitespace view
# ---------------------------------------------------------------------------------------------
# a word: letters with inner apostrophes ("o'er", "'tis" keeps only "tis"), digits, or one symbol
WORD_PATTERN = r"\p{L}+(?:'\p{L}+)*|\p{N}+|[^\s\p{L}\p{N}]"


def word_split(text: str, lower: bool = True) -> list:
    """Split text into words and punctuation marks (the word tokenizer's pre-tokenization)."""
    words = regex.findall(WORD_PATTERN, text)
    return [w.lower() for w in words] if lower else words


class WordTokenizer:
    """A word-level tokenizer: one id per known word, ``<unk>`` (id 0) for every other word.

    ``max_size`` keeps only the most frequent words (ties broken alphabetically)."""

    UNK = "<unk>"

    def __init__(self, text: str, max_size: int | None = None, lower: bool = True):
        self.lower = lower
        counts = Counter(word_split(text, lower))
        ranked = sorted(counts, key=lambda w: (-counts[w], w))
        if max_size is not None:
            ranked = ranked[: max_size - 1]
        self.itos = [self.UNK] + ranked
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list:
        return [self.stoi.get(w, 0) for w in word_split(text, self.lower)]

    def decode(self, ids) -> str:
        return " ".join(self.itos[int(i)] for i in ids)

    def unk_rate(self, text: str) -> float:
        """Fraction of the words of ``text`` that are out of vocabulary."""
        ids = self.encode(text)
        return sum(i == 0 for i in ids) / max(len(ids), 1)


SP_SPACE = "\u2581"  # "▁", SentencePiece's visible space


def sp_view(text: str) -> str:
    """SentencePiece's view of text: whitespace is an ordinary symbol, written ▁, and a ▁ is
    prefixed so the first word looks like every other word ("Hello world" -> "▁Hello▁world")."""
    return SP_SPACE + text.replace(" ", SP_SPACE)


def sp_unview(pieces) -> str:
    """Undo :func:`sp_view` on a piece or a list of pieces: join, ▁ -> space, drop the prefix."""
    s = pieces if isinstance(pieces, str) else "".join(pieces)
    s = s.replace(SP_SPACE, " ")
    return s[1:] if s.startswith(" ") else s


# ---------------------------------------------------------------------------------------------
# embeddings: similarity and neighbours
# ---------------------------------------------------------------------------------------------
def cosine_similarity(a, b):
    """cos(a, b) = a.b / (|a| |b|) for vectors, or all pairs of rows for matrices (numpy or
    torch in, the same kind out)."""
    try:
        import torch
        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            a, b = torch.as_tensor(a, dtype=torch.float32), torch.as_tensor(b, dtype=torch.float32)
            an = a / a.norm(dim=-1, keepdim=True).clamp_min(1e-12)
            bn = b / b.norm(dim=-1, keepdim=True).clamp_min(1e-12)
            return an @ bn.T if bn.dim() > 1 else an @ bn
    except ImportError:  # pragma: no cover
        pass
    import numpy as np

    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    an = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12)
    bn = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    return an @ bn.T if bn.ndim > 1 else an @ bn


def nearest_neighbours(vectors, words: list, query, k: int = 5, exclude=()) -> list:
    """The ``k`` rows of ``vectors`` most cosine-similar to ``query`` (a word of ``words`` or a
    vector), as ``[(word, similarity), ...]``; the query word itself and ``exclude`` are
    skipped."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float64)
    skip = set(exclude)
    if isinstance(query, str):
        skip.add(query)
        query = vectors[words.index(query)]
    sims = cosine_similarity(vectors, np.asarray(query, dtype=np.float64))
    out = []
    for j in np.argsort(-sims, kind="stable"):
        if words[j] not in skip:
            out.append((words[j], float(sims[j])))
            if len(out) == k:
                break
    return out


# ---------------------------------------------------------------------------------------------
# GPT-2's pretrained tokenizer, offline
# ---------------------------------------------------------------------------------------------
def gpt2_tokenizer(verbose: bool = True):
    """GPT-2's real byte-level BPE (50257 ids) as a ``tiktoken.Encoding``, or ``None``.

    No download: the merge ranks ship inside the ``openai-whisper`` package
    (``whisper/assets/gpt2.tiktoken``; whisper itself is never imported). Returns ``None``, with
    a message, when ``tiktoken`` or ``openai-whisper`` is not installed.
    """
    def missing(what: str):
        if verbose:
            print(f"GPT-2's tokenizer is unavailable: {what}. Install it with "
                  "`pip install tiktoken==0.14.0` and "
                  "`pip install --no-deps openai-whisper==20250625`.")
        return None

    try:
        import tiktoken
        import tiktoken.load
    except ImportError:
        return missing("the `tiktoken` package is missing")
    spec = importlib.util.find_spec("whisper")
    if spec is None or not spec.submodule_search_locations:
        return missing("the `openai-whisper` package (which ships the GPT-2 ranks) is missing")
    path = os.path.join(list(spec.submodule_search_locations)[0], "assets", "gpt2.tiktoken")
    if not os.path.exists(path):
        return missing(f"{path} does not exist")
    old = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = ""  # a local file: no need to copy it into a cache
    try:
        ranks = tiktoken.load.load_tiktoken_bpe(path)
    finally:
        if old is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = old
    return tiktoken.Encoding(name="gpt2", pat_str=GPT2_PATTERN, mergeable_ranks=ranks,
                             special_tokens={EOT: 50256})


# ---------------------------------------------------------------------------------------------
# command line: python -m llmz.bpe train --out llmz/assets
# ---------------------------------------------------------------------------------------------
def main(argv=None) -> None:
    import time

    parser = argparse.ArgumentParser(prog="python -m llmz.bpe",
                                     description="Train the course tokenizer.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", help="train on the whole corpus and write the assets")
    tr.add_argument("--out", default=str(ASSETS), help="output folder (default: llmz/assets)")
    tr.add_argument("--vocab-size", type=int, default=COURSE_VOCAB_SIZE)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    tok = train_course_tokenizer(vocab_size=args.vocab_size, verbose=True)
    out = Path(args.out)
    p1 = tok.save(out / "course_tokenizer.json")
    p2 = tok.save_hf(out / "course_tokenizer_hf")
    print(f"{tok} trained in {time.perf_counter() - t0:.1f} s")
    print(f"wrote {p1} ({p1.stat().st_size / 1024:.0f} KiB) and {p2} "
          f"({p2.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
