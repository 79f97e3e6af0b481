"""`make gpu`: every chapter's full profile on this machine's GPU, timed, with its peak GPU memory,
recorded in autograder/gpu_runs.csv (committed: one row per chapter and run, newest last) and
printed as a table. The budgets it checks: under 5 minutes per chapter on an H100, and under
15 GB of GPU memory (a free Colab T4 holds 15 GB).

    python -m autograder.gpu [--only 03_transformers ...] [--allow-cpu --profile small]

``--allow-cpu`` exists to test this script on a machine without a GPU; such rows say ``cpu``."""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import sys
import time
from pathlib import Path

import nbformat

from autograder.execute import chapters

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "autograder" / "gpu_runs.csv"
FIELDS = ["date", "chapter", "profile", "device", "torch", "seconds", "peak_gib", "ok",
          "within_budget"]
BUDGET_S, BUDGET_GIB = 300, 15.0
PEAK_CELL = ("import json, torch\n"
             "print('LLMZ_GPU_RUN', json.dumps({'peak_gib': torch.cuda.max_memory_reserved() / 2**30"
             " if torch.cuda.is_available() else 0.0, 'device': torch.cuda.get_device_name() if"
             " torch.cuda.is_available() else 'cpu', 'torch': torch.__version__}))")


def run_chapter(path: Path, timeout: int = 1800) -> dict:
    """Execute one chapter in a fresh kernel; its time, peak GPU memory and device."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    t0 = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False,
                                 meta_override=True)
    seconds = time.perf_counter() - t0
    info = {"peak_gib": float("nan"), "device": "?", "torch": "?"}
    for out in nb.cells[-1].get("outputs", []):
        for line in out.get("text", "").splitlines():
            if line.startswith("LLMZ_GPU_RUN "):
                info = json.loads(line.split(" ", 1)[1])
    ok = result.exc_string is None
    return {"chapter": path.stem, "seconds": round(seconds, 1),
            "peak_gib": round(info["peak_gib"], 2), "device": info["device"],
            "torch": info["torch"], "ok": ok, "error": result.exc_string,
            "within_budget": ok and seconds < BUDGET_S and info["peak_gib"] < BUDGET_GIB}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder.gpu", description=__doc__.split("\n")[0])
    p.add_argument("--only", nargs="*", help="chapter names (default: every chapter)")
    p.add_argument("--profile", default="full")
    p.add_argument("--allow-cpu", action="store_true")
    p.add_argument("--out", type=Path, default=RUNS)
    a = p.parse_args(argv)
    import torch

    if not torch.cuda.is_available() and not a.allow_cpu:
        print("make gpu: no CUDA GPU on this machine; nothing was run (the table records GPU runs)")
        return 2
    os.environ["LLMZ_PROFILE"] = a.profile  # the kernels inherit it
    todo = [c for c in chapters() if not a.only or c.stem in a.only]
    date = datetime.date.today().isoformat()
    new = not a.out.exists()
    rows = []
    with open(a.out, "a", newline="") as f:
        w = csv.DictWriter(f, FIELDS, extrasaction="ignore")
        if new:
            w.writeheader()
        for path in todo:
            row = {"date": date, "profile": a.profile, **run_chapter(path)}
            w.writerow(row)
            f.flush()
            rows.append(row)
            print(f"  {row['chapter']}: {row['seconds']:.0f} s, peak {row['peak_gib']:.2f} GiB on "
                  f"{row['device']}" + ("" if row["ok"] else f", FAILED\n{row['error'][-2000:]}"),
                  flush=True)
    print("\n| chapter | seconds | peak GPU memory (GiB) | within budget |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['chapter']} | {r['seconds']:.0f} | {r['peak_gib']:.2f} | "
              f"{'yes' if r['within_budget'] else 'NO'} |")
    print(f"recorded in {a.out.relative_to(ROOT) if a.out.is_relative_to(ROOT) else a.out}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
