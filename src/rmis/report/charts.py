"""Charts as inline SVG text (matplotlib), each with a title and a description for screen readers.

Text stays text in the SVG (no embedded fonts, nothing fetched), so the page is small, prints
sharply and can be searched. The same figures are always in a table next to the chart.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from html import escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

# Colour-blind safe (Okabe-Ito), and distinguishable in grey print by line style as well.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINE_STYLES = ("-", "--", "-.", ":")

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "rmis-report",  # stable ids: the same data gives the same page
        "font.family": "sans-serif",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
    }
)

_thousands = FuncFormatter(lambda value, _pos: f"{value:,.0f}")


def _svg(figure: plt.Figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Scale with the page; name the chart for assistive technology.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    return text.replace(
        "<svg",
        f'<svg role="img" aria-label="{escape(title)}" class="chart"',
        1,
    ).replace(
        ">",
        f"><title>{escape(title)}</title><desc>{escape(description)}</desc>",
        1,
    )


def line_chart(
    x: Sequence[date],
    lines: dict[str, Sequence[float]],
    title: str,
    ylabel: str,
    description: str,
) -> str:
    figure, axes = plt.subplots(figsize=(7.2, 3.0))
    for i, (label, values) in enumerate(lines.items()):
        axes.plot(
            x,
            values,
            label=label,
            color=PALETTE[i % len(PALETTE)],
            linestyle=LINE_STYLES[i % len(LINE_STYLES)],
            linewidth=1.6,
        )
    axes.set_title(title, loc="left")
    axes.set_ylabel(ylabel)
    axes.yaxis.set_major_formatter(_thousands)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    if len(lines) > 1:
        axes.legend(
            frameon=False, ncols=min(len(lines), 6), loc="lower left", bbox_to_anchor=(0, 1.0)
        )
        axes.set_title(title, loc="left", pad=22)
    _month_axis(axes)
    return _svg(figure, title, description)


def _month_axis(axes: plt.Axes, ticks: int = 8) -> None:
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=ticks))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str) -> str:
    """Horizontal bars, largest on top, each labelled with its value."""
    figure, axes = plt.subplots(figsize=(7.2, 0.28 * len(labels) + 0.9))
    positions = range(len(labels))[::-1]
    axes.barh(list(positions), values, color=PALETTE[0])
    axes.set_yticks(list(positions), labels)
    axes.set_title(title, loc="left")
    axes.set_xlabel(xlabel)
    axes.xaxis.set_major_formatter(_thousands)
    for position, value in zip(positions, values, strict=True):
        axes.annotate(
            f" {value:,.0f}", (value, position), va="center", fontsize=8, annotation_clip=False
        )
    description = "; ".join(
        f"{label}: {value:,.0f}" for label, value in zip(labels, values, strict=True)
    )
    return _svg(figure, title, description)


def share_chart(
    labels: Sequence[str], shares: dict[str, Sequence[float]], title: str, xlabel: str
) -> str:
    """Stacked horizontal bars of shares adding up to one per row."""
    figure, axes = plt.subplots(figsize=(7.2, 0.35 * len(labels) + 1.1))
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    hatches = ("", "//", "..", "xx")
    for i, (part, values) in enumerate(shares.items()):
        axes.barh(
            positions,
            values,
            left=left,
            label=part,
            color=PALETTE[i % len(PALETTE)],
            hatch=hatches[i % len(hatches)],
            edgecolor="white",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
    axes.set_title(title, loc="left")
    axes.set_xlabel(xlabel)
    axes.legend(frameon=False, ncols=len(shares), loc="upper left", bbox_to_anchor=(0, -0.18))
    description = "; ".join(
        f"{label}: " + ", ".join(f"{part} {values[i]:.0%}" for part, values in shares.items())
        for i, label in enumerate(labels)
    )
    return _svg(figure, title, description)


def forecast_chart(
    history_weeks: Sequence[date],
    history: Sequence[float],
    weeks: Sequence[date],
    median: Sequence[float],
    bands: dict[str, tuple[Sequence[float], Sequence[float]]],
    title: str,
) -> str:
    """Weekly history, then the median forecast with its interval bands."""
    figure, axes = plt.subplots(figsize=(3.5, 2.4))
    axes.plot(history_weeks, history, color=PALETTE[6], linewidth=1.2, label="recorded")
    for (label, (lower, upper)), alpha in zip(bands.items(), (0.18, 0.35), strict=False):
        axes.fill_between(weeks, lower, upper, color=PALETTE[0], alpha=alpha, label=label)
    axes.plot(weeks, median, color=PALETTE[0], linestyle="--", linewidth=1.4, label="forecast")
    axes.set_title(title, loc="left", fontsize=9)
    axes.set_ylabel("arrivals a week")
    axes.yaxis.set_major_formatter(_thousands)
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False, fontsize=7, ncols=4, loc="upper left", bbox_to_anchor=(0, -0.12))
    _month_axis(axes, ticks=4)
    description = (
        f"Recorded weekly arrivals to {history_weeks[-1].isoformat()}, then a forecast "
        f"from {median[0]:,.0f} to {median[-1]:,.0f} a week by {weeks[-1].isoformat()}."
    )
    return _svg(figure, title, description)
