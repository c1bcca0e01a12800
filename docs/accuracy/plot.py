#!/usr/bin/python3
"""Pareto plot of explore's choices with and without MSE clipping, from the TSVs pareto.sh writes.

Usage: /usr/bin/python3 docs/accuracy/plot.py OUT.svg NAME=FILE.tsv ...   (Debian's python3-matplotlib)
Each TSV gives one panel: accuracy against effective bits, one marker per max-drop, a line through each
space's non-dominated choices.
"""
import csv
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "qsvit"  # stable ids: the same data give the same file
matplotlib.rcParams["svg.fonttype"] = "none"


def front(points):
    """The points no other beats on both fewer bits and higher accuracy, by bits."""
    kept = []
    for bits, acc in sorted(points):
        if not kept or acc > kept[-1][1]:
            kept.append((bits, acc))
    return kept


def main():
    out, panels = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
    for ax, (name, path) in zip(axes[0], panels):
        rows = list(csv.DictReader(open(path), delimiter="\t"))
        float_acc = float(rows[0]["float_accuracy"])
        for space, label, style in (("base", "max-abs scales (today)", "o-"), ("with_mse", "+ mse clipping", "s-")):
            pts = [(float(r["effective_bits"]), float(r["accuracy"])) for r in rows if r["space"] == space]
            if not pts:
                continue
            f = front(pts)
            ax.plot([p[0] for p in f], [100 * p[1] for p in f], style, label=label)
            ax.plot([p[0] for p in pts], [100 * p[1] for p in pts], style[0], alpha=0.3, color=ax.lines[-1].get_color())
        ax.axhline(100 * float_acc, linestyle="--", color="grey", label="float32 (%.2f%%)" % (100 * float_acc))
        ax.set_title(name)
        ax.set_xlabel("effective bits per weight")
        ax.set_ylabel("top-1 accuracy (%), 2000 images")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, metadata={"Date": None})


if __name__ == "__main__":
    main()
