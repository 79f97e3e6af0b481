"""llmz.rag (chapter 9) against the libraries that compute the same things."""
import math
import random

import numpy as np
import pytest
import torch

from llmz import rag


@pytest.fixture(scope="module")
def atlas():
    return rag.atlas_kb()


def test_atlas_is_deterministic_and_every_gold_span_states_its_answer(atlas):
    again = rag.atlas_kb()
    assert [d.text for d in again.docs] == [d.text for d in atlas.docs]
    assert len(atlas.questions) >= 200 and len(atlas.unanswerable) > 0
    assert len({d.title for d in atlas.docs}) == len(atlas.docs)
    for q in atlas.questions:
        span = atlas.doc(q.doc).text[slice(*q.span)]
        assert q.answer in span, (q.question, span)
    titles = {d.title for d in atlas.docs}
    for question in atlas.unanswerable:  # about islands the atlas does not have
        assert not any(t in question for t in titles)


def test_python_docs_questions_point_at_their_entries():
    kb = rag.python_docs_kb()
    assert len(kb.questions) >= 200
    for q in kb.questions:
        span = kb.doc(q.doc).text[slice(*q.span)]
        assert span.startswith(q.answer + ": "), (q.question, span[:60])


def test_chunk_spans_are_str_split_windows():
    rng = random.Random(0)
    words = ["naïve", "café", "😀", "a", "bb", "ccc"]
    seps = [" ", "\t", "\n\n", "\xa0", "\u3000", "  "]
    for _ in range(200):
        n = rng.randint(0, 12)
        text = rng.choice(["", " "]) + "".join(rng.choice(words) + rng.choice(seps)
                                               for _ in range(n))
        size = rng.randint(1, 5)
        overlap = rng.randint(0, size - 1)
        spans = rag.chunk_spans(text, size, overlap)
        toks = text.split()
        step = size - overlap
        want, i = [], 0
        while i < len(toks):
            want.append(toks[i:i + size])
            if i + size >= len(toks):
                break
            i += step
        assert [text[s:e].split() for s, e in spans] == want
    with pytest.raises(ValueError):
        rag.chunk_spans("a b", 2, 2)


def test_sentence_chunks_keep_sentences_whole_and_cover_every_fact(atlas):
    chunks = rag.chunk_kb(atlas, "sentence", 30, heading=True)
    for c in chunks:
        body = atlas.doc(c.doc).text[c.start:c.end]
        assert body.rstrip()[-1] in ".!?", body
        assert c.text.startswith(atlas.doc(c.doc).title + ": ")
    assert all(rag.relevant_chunks(q, chunks) for q in atlas.questions)


def test_cosine_top_k_equals_faiss_flat_ip():
    faiss = pytest.importorskip("faiss")
    g = torch.Generator().manual_seed(0)
    q, d = torch.randn(7, 16, generator=g), torch.randn(50, 16, generator=g) * 3
    scores, idx = rag.cosine_top_k(q, d, 5)
    qn = torch.nn.functional.normalize(q, dim=1).numpy()
    dn = torch.nn.functional.normalize(d, dim=1).numpy()
    index = faiss.IndexFlatIP(16)
    index.add(dn)
    f_scores, f_idx = index.search(qn, 5)
    np.testing.assert_allclose(scores.numpy(), f_scores, atol=1e-5)
    assert idx.tolist() == f_idx.tolist() and idx.dtype == torch.int64
    with pytest.raises(ValueError):
        rag.cosine_top_k(q, torch.zeros(3, 16), 1)


def test_bm25_scores_equal_bm25s_lucene():
    bm25s = pytest.importorskip("bm25s")
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(15)]
    corpus = [[rng.choice(vocab) for _ in range(rng.randint(1, 12))] for _ in range(30)]
    for k1, b in ((1.5, 0.75), (0.9, 0.4), (2.0, 1.0)):
        lib = bm25s.BM25(k1=k1, b=b, method="lucene")
        lib.index(corpus, show_progress=False)
        for query in (["w1"], ["w2", "w3", "w2"], ["w14", "w0", "w7"]):
            np.testing.assert_allclose(rag.bm25_scores(query, corpus, k1, b),
                                       lib.get_scores(query), rtol=1e-5, atol=1e-6)
    assert rag.bm25_scores(["a"], []) == []


def test_bm25_index_ranks_the_named_island_first(atlas):
    chunks = rag.chunk_kb(atlas, "sentence", 30)
    ranked = rag.BM25Index([c.text for c in chunks]).search([atlas.questions[0].question], 3)
    assert chunks[ranked[0][0]].doc == atlas.questions[0].doc
    assert rag.BM25Index([c.text for c in chunks]).search(["zzzz qqqq"], 2)[0]  # unknown words


def test_reciprocal_rank_fusion():
    fused = rag.reciprocal_rank_fusion([[3, 1, 2], [1, 4]], k=60)
    want = {3: 1 / 61, 1: 1 / 62 + 1 / 61, 2: 1 / 63, 4: 1 / 62}
    assert [d for d, _ in fused] == [1, 3, 4, 2]
    for d, s in fused:
        assert math.isclose(s, want[d])
    assert rag.reciprocal_rank_fusion([]) == []


def test_retrieval_metrics_equal_sentence_transformers():
    st = pytest.importorskip("sentence_transformers")
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    rng = random.Random(2)
    ranked = [rng.sample(range(40), rng.randint(1, 15)) for _ in range(25)]
    relevant = [set(rng.sample(range(40), rng.randint(1, 4))) for _ in range(25)]
    ev = InformationRetrievalEvaluator(
        queries={str(i): "q" for i in range(25)}, corpus={str(j): "d" for j in range(40)},
        relevant_docs={str(i): {str(j) for j in r} for i, r in enumerate(relevant)},
        accuracy_at_k=[1], precision_recall_at_k=[1, 5, 10], mrr_at_k=[1, 5, 10],
        ndcg_at_k=[1, 5, 10], map_at_k=[10], show_progress_bar=False,
        score_functions={"cosine": st.util.cos_sim})
    results = [[{"corpus_id": str(d), "score": 1.0 - 0.01 * r} for r, d in enumerate(row)]
               for row in ranked]
    ref = ev.compute_metrics(results)
    for k in (1, 5, 10):
        ours = rag.retrieval_metrics(ranked, relevant, k)
        assert math.isclose(ours["recall"], ref["recall@k"][k], abs_tol=1e-12)
        assert math.isclose(ours["mrr"], ref["mrr@k"][k], abs_tol=1e-12)
        assert math.isclose(ours["ndcg"], ref["ndcg@k"][k], abs_tol=1e-12)


def test_build_prompt_counts_the_whole_prompt_and_stops_at_the_first_misfit():
    count = len  # characters as tokens: enough to test the budget logic
    passages = ["a" * 40, "b" * 200, "c" * 5]
    empty, _ = rag.build_prompt("Q?", [], count, 10_000)
    assert "(no sources)" in empty
    p, used = rag.build_prompt("Q?", passages, count, len(empty) + 60)
    assert used == [0] and "[1] " + "a" * 40 in p and "c" * 5 not in p
    full, used = rag.build_prompt("Q?", passages, count, 10_000)
    assert used == [0, 1, 2] and len(full) <= 10_000
    exact, used = rag.build_prompt("Q?", passages, count, len(full))
    assert used == [0, 1, 2]
    with pytest.raises(ValueError):
        rag.build_prompt("Q?", passages, count, 5)


def test_grade_answer():
    assert rag.grade_answer("The capital is Velmora [1].", "Velmora") == "correct"
    assert rag.grade_answer("That is not in the sources.", "Velmora") == "abstained"
    assert rag.grade_answer("It is Lisk.", "Velmora") == "wrong"


def test_lance_store_round_trip_in_a_new_process(tmp_path):
    pytest.importorskip("lancedb")
    import subprocess
    import sys

    g = torch.Generator().manual_seed(3)
    vecs = torch.nn.functional.normalize(torch.randn(30, 8, generator=g), dim=1)
    store = rag.LanceStore(tmp_path / "db")
    store.add(range(30), [f"t{i}" for i in range(30)], vecs)
    assert store.count() == 30
    hits = store.search(vecs[:2], 3)
    assert [h[0][0] for h in hits] == [0, 1]
    assert all(abs(s - 1.0) < 1e-5 for s in (hits[0][0][1], hits[1][0][1]))
    code = ("import sys; from llmz import rag; import torch; s = rag.LanceStore(sys.argv[1]); "
            "print(s.count())")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "db")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "30"


def test_bootstrap_ci_brackets_the_mean():
    mean, lo, hi = rag.bootstrap_ci([1, 0, 1, 1, 0, 1, 0, 1])
    assert lo <= mean <= hi and math.isclose(mean, 5 / 8)
