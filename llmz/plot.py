"""Plotting helpers: one look for every chapter's figures."""
from __future__ import annotations

import matplotlib

import matplotlib.pyplot as plt


def style() -> None:
    """Apply the course's figure style (called by the helpers below), and show table floats
    with 3 decimals (``0.110``, not pandas' default ``0.110000``) unless a chapter chose otherwise."""
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6), "figure.dpi": 110, "axes.grid": True,
        "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
        "font.size": 10,
    })
    try:
        import pandas as pd
    except ImportError:
        return
    if pd.get_option("display.precision") == 6:     # pandas' default; a chapter's own choice stays
        pd.set_option("display.precision", 3)


def plot_curves(curves: dict, xlabel: str = "step", ylabel: str = "loss", title: str = "",
                logy: bool = False, ax=None):
    """Plot several named curves: ``{"train": [...], "val": (xs, ys)}``; returns the axes."""
    style()
    if ax is None:
        _, ax = plt.subplots()
    for name, values in curves.items():
        if isinstance(values, tuple) and len(values) == 2:
            ax.plot(values[0], values[1], label=name)
        else:
            ax.plot(range(len(values)), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def heatmap(matrix, xlabels=None, ylabels=None, title: str = "", cmap: str = "viridis",
            annotate: bool = False, ax=None):
    """A labelled heat-map (attention weights, similarity matrices); returns the axes."""
    import numpy as np

    style()
    m = np.asarray(matrix, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * m.shape[1] + 2, 0.5 * m.shape[0] + 1.5))
    im = ax.imshow(m, cmap=cmap)
    ax.grid(False)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), xlabels, rotation=45, ha="right")
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), ylabels)
    if annotate:
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="w" if m[i, j] < m.mean() else "k")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
    return ax


def bars(labels, values, title: str = "", ylabel: str = "", ax=None):
    """A simple bar chart (probabilities, token counts); returns the axes."""
    style()
    if ax is None:
        _, ax = plt.subplots()
    ax.bar(range(len(values)), values)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
