"""Server-side SVG charts, each with a <title>, a <desc> and a table that says the same in text.

No inline style attributes (the CSP forbids them): shapes get classes and presentation
attributes, and colours come from the stylesheet.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

BIN_LABELS = tuple(f"{i * 10}–{i * 10 + 9}%" for i in range(9)) + ("90–100%",)
WIDTH, HEIGHT = 320, 160
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 20, 130, 8


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _svg(chart_id: str, title: str, description: str, width: int, height: int,
         body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>")


def score_histogram(*, chart_id: str, quiz_title: str, bins: list[int]) -> Chart:
    """Best scores of the cohort's learners in ten 10-point bins."""
    total = sum(bins)
    title = f"Best scores: {quiz_title}"
    if total:
        modal = max(range(len(bins)), key=lambda i: bins[i])
        description = (f"Histogram of {total} learners' best scores in 10-point bins; "
                       f"the most common range is {BIN_LABELS[modal]} "
                       f"with {bins[modal]} learners.")
    else:
        description = "No learner in this cohort has taken this quiz yet."
    peak = max(bins) or 1
    slot = (WIDTH - 2 * PLOT_LEFT) / len(bins)
    body = [f'<line class="chart-axis" x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" '
            f'x2="{WIDTH - PLOT_LEFT}" y2="{PLOT_BOTTOM}"/>']
    for i, count in enumerate(bins):
        height = (PLOT_BOTTOM - PLOT_TOP) * count / peak
        x = PLOT_LEFT + i * slot
        body.append(f'<rect class="chart-bar" x="{x + 2:.1f}" y="{PLOT_BOTTOM - height:.1f}" '
                    f'width="{slot - 4:.1f}" height="{height:.1f}"/>')
        if count:
            body.append(f'<text class="chart-value" x="{x + slot / 2:.1f}" '
                        f'y="{PLOT_BOTTOM - height - 4:.1f}" text-anchor="middle">{count}</text>')
        body.append(f'<text class="chart-label" x="{x + slot / 2:.1f}" y="{PLOT_BOTTOM + 14}" '
                    f'text-anchor="middle">{i * 10}</text>')
    body.append(f'<text class="chart-label" x="{WIDTH / 2:.0f}" y="{HEIGHT - 2}" '
                f'text-anchor="middle">best score (%)</text>')
    rows = tuple((label, str(count)) for label, count in zip(BIN_LABELS, bins, strict=True))
    return Chart(id=chart_id, title=title, description=description,
                 svg=_svg(chart_id, title, description, WIDTH, HEIGHT, body),
                 headers=("Best score", "Learners"), rows=rows)


def completion_funnel(*, chart_id: str, steps: list[tuple[str, int]], members: int) -> Chart:
    """How many learners read each chapter, in reading order, as horizontal bars."""
    title = "Chapters read, in order"
    if members:
        first, last = steps[0] if steps else ("", 0), steps[-1] if steps else ("", 0)
        description = (f"Of {members} learners, {first[1]} read the first chapter "
                       f"({first[0]}) and {last[1]} read the last ({last[0]}).")
    else:
        description = "This cohort has no learners yet."
    row_height, label_width, width = 26, 150, 420
    height = row_height * len(steps) + 10
    bar_space = width - label_width - 50
    body = []
    for i, (label, count) in enumerate(steps):
        y = 5 + i * row_height
        length = bar_space * count / members if members else 0
        short = label if len(label) <= 24 else label[:23] + "…"
        body.append(f'<text class="chart-label" x="{label_width - 6}" y="{y + 16}" '
                    f'text-anchor="end">{escape(short)}</text>')
        body.append(f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" '
                    f'width="{length:.1f}" height="{row_height - 8}"/>')
        body.append(f'<text class="chart-value" x="{label_width + length + 4:.1f}" '
                    f'y="{y + 16}">{count}</text>')
    rows = tuple((label, str(count), _share(count, members)) for label, count in steps)
    return Chart(id=chart_id, title=title, description=description,
                 svg=_svg(chart_id, title, description, width, height, body),
                 headers=("Chapter", "Learners who read it", "Share of cohort"), rows=rows)


def _share(count: int, members: int) -> str:
    return f"{100 * count / members:.0f}%" if members else "–"
