"""The model card: what a counsellor-facing analyst needs to decide whether to publish a model.

Written beside each version: per-tag precision/recall/F1 on the fixed test split, macro-F1,
crisis recall/precision (and how much the model and the lexicon each contribute), movement
against the previous model, a tag confusion plot and precision-recall curves for the crisis
tags.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from sklearn.metrics import precision_recall_curve

from tagging.taxonomy import BY_ID, CRISIS_TAGS, TAG_IDS

CONFUSION_PNG = "confusion.png"
PR_PNG = "pr_crisis.png"


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _delta(new: float, old: float | None) -> str:
    if old is None:
        return ""
    d = new - old
    return f"{d:+.3f}"


def confusion(y_true: npt.NDArray[Any], y_pred: npt.NDArray[Any]) -> npt.NDArray[np.int_]:
    """Multi-label confusion: cell (i, j) counts messages with true tag i that got tag j.

    The diagonal is hits; off-diagonal cells show which tags get mistaken for which (or
    co-occur). A last column counts messages with true tag i that got no tag at all.
    """
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    n = len(TAG_IDS)
    out = np.zeros((n, n + 1), dtype=np.int_)
    for i in range(n):
        rows = t[:, i]
        out[i, :n] = p[rows].sum(axis=0)
        out[i, n] = int((~p[rows].any(axis=1)).sum())
    return out


def plot_confusion(path: Path, y_true: npt.NDArray[Any], y_pred: npt.NDArray[Any]) -> None:
    m = confusion(y_true, y_pred)
    fig, ax = plt.subplots(figsize=(9, 7.5))
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(TAG_IDS) + 1), [*TAG_IDS, "(ingen)"], rotation=60, ha="right")
    ax.set_yticks(range(len(TAG_IDS)), list(TAG_IDS))
    ax.set_xlabel("predicted tag")
    ax.set_ylabel("true tag")
    ax.set_title("Test split: messages with true tag (row) that got tag (column)")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j]:
                ax.text(
                    j,
                    i,
                    str(m[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if m[i, j] > m.max() / 2 else "black",
                )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_pr_crisis(
    path: Path,
    y_true: npt.NDArray[Any],
    probs: npt.NDArray[Any],
    y_pred: npt.NDArray[Any],
    thresholds: dict[str, float],
) -> None:
    fig, ax = plt.subplots(figsize=(6.5, 5))
    for i, tag in enumerate(TAG_IDS):
        if tag not in CRISIS_TAGS or y_true[:, i].sum() == 0:
            continue
        p, r, _ = precision_recall_curve(y_true[:, i], probs[:, i])
        (line,) = ax.plot(r, p, label=f"{tag} (model)")
        # The model alone at its chosen threshold, and the deployed rule (model, lexicon, net).
        at = probs[:, i] >= thresholds[tag]
        yt = y_true[:, i].astype(bool)
        deployed = y_pred[:, i].astype(bool)
        for pred, marker, what in ((at, "o", "threshold"), (deployed, "*", "deployed rule")):
            tp = float(np.sum(yt & pred))
            prec = tp / max(float(pred.sum()), 1.0)
            rec = tp / max(float(yt.sum()), 1.0)
            ax.plot(
                rec,
                prec,
                marker,
                color=line.get_color(),
                markersize=9 if marker == "*" else 6,
                label=f"{tag} {what}",
            )
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("Crisis tags on the test split")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render_card(metadata: dict[str, Any]) -> str:
    m = metadata["metrics"]
    prev = (metadata.get("compared_to") or {}).get("metrics")
    prev_name = (metadata.get("compared_to") or {}).get("version")
    d = metadata["data"]
    extra = m.get("extra", {})
    lines = [
        f"# Tagger model card: {metadata['version']}",
        "",
        f"Created {metadata['created']} · seed {metadata['seed']} · "
        f"{metadata['folds']}-fold thresholds · trained in {metadata['train_seconds']} s",
        "",
        f"Data: {d['n_train']} training messages (hash `{d['train_hash']}`), fixed test split "
        f"of {d['n_test']} messages (hash `{d['test_hash']}`), never trained on.",
    ]
    model = metadata.get("model")
    if model:
        stems = model.get("stem_ngrams")
        stem_part = f"word-stem {'-'.join(map(str, stems))}-gram, " if stems else ""
        lines.append(
            f"Model: {model['estimator']} {model['params']} over word "
            f"{'-'.join(map(str, model['word_ngrams']))}-gram, {stem_part}and character "
            f"{'-'.join(map(str, model['char_ngrams']))}-gram ({model['char_analyzer']}) TF-IDF "
            f"plus topic-lexicon and crisis-rule features; block weights "
            f"{model['feature_weights']}."
        )
    if d.get("feedback"):
        fb = d["feedback"]
        # Counts added in later versions are absent from older metadata.
        unchanged = (
            f", {fb['unchanged']} unchanged (the training message had those tags)"
            if "unchanged" in fb
            else ""
        )
        overruled = (
            f"; {fb['duplicates']} line(s) overruled by a later line for the same message "
            f"({fb['conflicts']} with other tags)"
            if fb.get("duplicates")
            else ""
        )
        lines.append(
            f"Feedback merged into training only: {fb['added']} added, {fb['corrected']} "
            f"corrected{unchanged}, {fb['skipped_test']} skipped because they match test or "
            f"held-out messages{overruled}."
        )
    if metadata.get("not_compared"):
        lines += ["", f"**Not compared:** {metadata['not_compared']}."]
    if metadata.get("held_back"):
        lines += [
            "",
            f"**Not published:** {metadata['held_back']}. The bot keeps the version it had; "
            f"after reading this card, publish this one with "
            f"`intake tagger use {metadata['version']}`.",
        ]
    lines += [
        "",
        "## Headline (test split)",
        "",
        "| metric | value |" + (f" vs {prev_name} |" if prev else ""),
        "|---|---|" + ("---|" if prev else ""),
    ]
    for key, label in (
        ("macro_f1", "macro-F1"),
        ("macro_precision", "macro precision"),
        ("macro_recall", "macro recall"),
        ("crisis_recall", "crisis recall (per message)"),
        ("crisis_precision", "crisis precision (per message)"),
    ):
        row = f"| {label} | {_fmt(m[key])} |"
        if prev:
            row += f" {_delta(m[key], prev.get(key))} |"
        lines.append(row)
    lines += [
        "",
        f"Crisis messages in the test split: {m['crisis_support']} of {m['n_messages']}. "
        "A message counts as found when any crisis tag is predicted.",
        "",
        "Contribution of each half of the crisis rule: the model (with the any-crisis net, "
        "without the OR-ed lexicon) recall "
        f"{_fmt(extra.get('crisis_recall_model_only', 0.0))} / precision "
        f"{_fmt(extra.get('crisis_precision_model_only', 0.0))}; lexicon alone recall "
        f"{_fmt(extra.get('crisis_recall_lexicon_only', 0.0))} / precision "
        f"{_fmt(extra.get('crisis_precision_lexicon_only', 0.0))}.",
        "",
        "## Per tag (test split)",
        "",
        "| tag | name | crisis | threshold | precision | recall | F1 | support |"
        + (" ΔF1 |" if prev else ""),
        "|---|---|---|---|---|---|---|---|" + ("---|" if prev else ""),
    ]
    for tag in TAG_IDS:
        t = m["per_tag"][tag]
        row = (
            f"| `{tag}` | {BY_ID[tag].name_da} | {'ja' if tag in CRISIS_TAGS else ''} | "
            f"{metadata['thresholds'][tag]:.2f} | {_fmt(t['precision'])} | {_fmt(t['recall'])} | "
            f"{_fmt(t['f1'])} | {t['support']} |"
        )
        if prev:
            row += f" {_delta(t['f1'], prev['per_tag'].get(tag, {}).get('f1'))} |"
        lines.append(row)
    cv = metadata.get("cv_metrics")
    if cv:
        lines += [
            "",
            f"Out-of-fold on the training data (where thresholds were chosen): macro-F1 "
            f"{_fmt(cv['macro_f1'])}, crisis recall {_fmt(cv['crisis_recall'])}, crisis "
            f"precision {_fmt(cv['crisis_precision'])}.",
        ]
    held_out = metadata.get("held_out") or {}
    if held_out:
        lines += [
            "",
            "## Other authors' sets (never trained on, nothing chosen on them)",
            "",
            "| set | messages | macro-F1 | crisis recall | crisis precision |",
            "|---|---|---|---|---|",
        ]
        for name, entry in held_out.items():
            hm = entry["metrics"]
            lines.append(
                f"| `{name}` | {entry['n']} | {_fmt(hm['macro_f1'])} | "
                f"{_fmt(hm['crisis_recall'])} | {_fmt(hm['crisis_precision'])} |"
            )
    lines += _reliability_section(metadata.get("reliability") or {})
    lines += [
        "",
        "## Plots",
        "",
        f"![tag confusion]({CONFUSION_PNG})",
        "",
        f"![precision-recall, crisis tags]({PR_PNG})",
        "",
        "## Intended use and limits",
        "",
        "Pre-tags anonymous Danish chat messages for a human counsellor; a crisis tag shows the "
        "emergency numbers and puts the handoff first. It never replaces the counsellor's "
        "judgement. Trained on a small hand-written corpus: expect lower figures on real "
        "messages, and review corrections regularly (`intake tagger train --feedback`).",
        "",
        f"Libraries: {', '.join(f'{k} {v}' for k, v in metadata['versions'].items())}. "
        f"Rules hash `{metadata['rules_hash']}`.",
        "",
    ]
    return "\n".join(lines)


_RELIABILITY_SETS = {"test": "test split", "other_authors": "other authors' sets, pooled"}


def _reliability_section(tables: dict[str, list[dict[str, float]]]) -> list[str]:
    """Whether a score means what it says: by score bin, how often the tag was really there."""
    if not tables:
        return []  # an artefact from before calibration
    names = [name for name in _RELIABILITY_SETS if name in tables]
    lines = [
        "",
        "## Scores",
        "",
        "Scores are calibrated: per tag, a monotone map fitted on the out-of-fold "
        "probabilities of the training data turns the model's probability into how often the "
        "tag is really there (thresholds are on the same scale). By score, over every "
        "(message, tag) pair: the mean score against the share where the tag is true.",
        "",
        "| score | "
        + " | ".join(f"{_RELIABILITY_SETS[n]}: pairs, mean score, tag true" for n in names)
        + " |",
        "|---|" + "---|" * len(names),
    ]
    by_bin = {n: {(b["low"], b["high"]): b for b in tables[n]} for n in names}
    for low, high in sorted({key for bins in by_bin.values() for key in bins}):
        cells = [
            f"{b['n']}, {_fmt(b['mean_score'])}, {_fmt(b['observed'])}"
            if (b := by_bin[n].get((low, high)))
            else "–"
            for n in names
        ]
        lines.append(f"| {low:.1f}–{high:.1f} | " + " | ".join(cells) + " |")
    return lines


def write_card(
    version_dir: Path,
    metadata: dict[str, Any],
    y_true: npt.NDArray[Any],
    probs: npt.NDArray[Any],
    y_pred: npt.NDArray[Any],
) -> None:
    plot_confusion(version_dir / CONFUSION_PNG, y_true, y_pred)
    plot_pr_crisis(version_dir / PR_PNG, y_true, probs, y_pred, metadata["thresholds"])
    (version_dir / "card.md").write_text(render_card(metadata), encoding="utf-8")
