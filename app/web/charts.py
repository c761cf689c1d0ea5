"""Server-side charts, each with a title, a description and a table that says the same in text.

Readable at every width: an SVG's user units stay close to CSS pixels (the stylesheet caps a
chart's width at its viewBox width, and the viewBox fits a 320 px phone), so 14-unit text is
drawn at 13-14 px on a phone and 14 px on a desktop. The chapter funnel has long labels, so
it is laid out as HTML (text that wraps) with text-free SVG bars.

No inline style attributes (the CSP forbids them): shapes get classes and presentation
attributes, and colours come from the stylesheet.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

BIN_LABELS = tuple(f"{i * 10}–{i * 10 + 9}%" for i in range(9)) + ("90–100%",)
FONT_SIZE = 14  # user units, about the body's small text; the CSS keeps 1 unit close to 1 px
WIDTH, HEIGHT = 280, 200
PLOT_LEFT, PLOT_RIGHT = 12, WIDTH - 16  # room for the "0" and "100" edge labels
PLOT_TOP, PLOT_BOTTOM = 42, 150  # above PLOT_TOP: the pass-mark label and the bar values
VALUE_DIGITS = 3  # counts wider than this would collide with their neighbours' labels


@dataclass(frozen=True)
class Bar:
    """One row of an HTML bar chart: its label, its value in words, and its bar's length."""

    label: str
    value: str
    width: str  # 0-100, the bar's share of the track


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    svg: Markup | None = None  # an SVG chart, or:
    bars: tuple[Bar, ...] = ()  # an HTML bar chart


def _svg(chart_id: str, title: str, description: str, width: int, height: int,
         body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>")


def _text(css_class: str, x: float, y: float, text: str, anchor: str = "middle") -> str:
    return (f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}" font-size="{FONT_SIZE}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')


def _x(percent: float) -> float:
    return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * percent / 100


def score_histogram(*, chart_id: str, quiz_title: str, bins: list[int],
                    pass_percent: float) -> Chart:
    """Best scores of the cohort's learners in ten 10-point bins, with the quiz's pass mark."""
    total = sum(bins)
    title = f"Best scores: {quiz_title}"
    mark = f"{pass_percent:g}%"
    if total:
        modal = max(range(len(bins)), key=lambda i: bins[i])
        passed = sum(bins[i] for i in range(len(bins)) if i * 10 >= pass_percent)
        description = (f"Histogram of {total} learners' best scores in 10-point bins; "
                       f"the most common range is {BIN_LABELS[modal]} "
                       f"with {bins[modal]} learners. The pass mark is {mark}.")
        if pass_percent % 10 == 0:  # only then do whole bins lie above the mark
            description += f" {passed} learners scored {mark} or more."
    else:
        description = f"No learner in this cohort has taken this quiz yet. The pass mark is {mark}."
    rows = tuple((label, str(count)) for label, count in zip(BIN_LABELS, bins, strict=True))
    return Chart(id=chart_id, title=title, description=description,
                 svg=_svg(chart_id, title, description, WIDTH, HEIGHT,
                          _histogram_body(bins, pass_percent)),
                 headers=("Best score", "Learners"), rows=rows)


def _histogram_body(bins: list[int], pass_percent: float) -> list[str]:
    """Bars between their bin edges, the edges labelled 0 ... 100, and the pass-mark line."""
    peak = max(bins) or 1
    show_values = len(str(peak)) <= VALUE_DIGITS
    body = [f'<line class="chart-axis" x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" '
            f'x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}"/>']
    for i, count in enumerate(bins):
        left, right = _x(i * 10), _x(i * 10 + 10)
        height = (PLOT_BOTTOM - PLOT_TOP) * count / peak
        body.append(f'<rect class="chart-bar" x="{left + 1.5:.1f}" '
                    f'y="{PLOT_BOTTOM - height:.1f}" width="{right - left - 3:.1f}" '
                    f'height="{height:.1f}"/>')
        if count and show_values:
            body.append(_text("chart-value", (left + right) / 2, PLOT_BOTTOM - height - 4,
                              str(count)))
    if not show_values:  # counts too wide for their bars: say what the tallest bar means
        body.append(_text("chart-value", PLOT_LEFT, PLOT_TOP - 6, f"tallest: {peak}", "start"))
    for edge in range(0, 101, 10):
        body.append(f'<line class="chart-tick" x1="{_x(edge):.1f}" y1="{PLOT_BOTTOM}" '
                    f'x2="{_x(edge):.1f}" y2="{PLOT_BOTTOM + 4}"/>')
        body.append(_text("chart-label", _x(edge), PLOT_BOTTOM + 19, str(edge)))
    body.append(_text("chart-label", WIDTH / 2, HEIGHT - 6, "best score (%)"))
    x = _x(min(max(pass_percent, 0), 100))
    body.append(f'<line class="chart-pass" x1="{x:.1f}" y1="4" x2="{x:.1f}" '
                f'y2="{PLOT_BOTTOM}"/>')
    anchor, label_x = ("end", x - 4) if pass_percent >= 50 else ("start", x + 4)
    body.append(_text("chart-pass-label", label_x, 16, f"pass mark {pass_percent:g}%", anchor))
    return body


def completion_funnel(*, chart_id: str, steps: list[tuple[str, int]], members: int) -> Chart:
    """How many learners read each chapter, in reading order, as HTML bars."""
    title = "Chapters read, in order"
    if members:
        first, last = steps[0] if steps else ("", 0), steps[-1] if steps else ("", 0)
        description = (f"Of {members} learners, {first[1]} read the first chapter "
                       f"({first[0]}) and {last[1]} read the last ({last[0]}).")
    else:
        description = "This cohort has no learners yet."
    bars = tuple(Bar(label=label, value=f"{count} ({_share(count, members)})",
                     width=f"{100 * count / members:.1f}" if members else "0")
                 for label, count in steps)
    rows = tuple((label, str(count), _share(count, members)) for label, count in steps)
    return Chart(id=chart_id, title=title, description=description, bars=bars,
                 headers=("Chapter", "Learners who read it", "Share of cohort"), rows=rows)


def _share(count: int, members: int) -> str:
    return f"{100 * count / members:.0f}%" if members else "–"
