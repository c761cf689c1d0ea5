"""Charts that can be read: text size, bin edges, the pass mark, text alternatives.

The SVGs are parsed with xml.etree, as a browser would see them; one browser test measures
the rendered text at a phone's and a desktop's width.
"""

import xml.etree.ElementTree as ET

import pytest

from app.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def texts(svg: ET.Element, css_class: str) -> list[ET.Element]:
    return [t for t in svg.iter(f"{SVG}text") if t.get("class") == css_class]


def histogram(bins=(0, 0, 0, 1, 0, 2, 0, 3, 5, 4), pass_percent=80.0) -> charts.Chart:
    return charts.score_histogram(chart_id="h", quiz_title="Alpha", bins=list(bins),
                                  pass_percent=pass_percent)


def test_histogram_text_is_at_least_the_small_body_size():
    svg = parse(histogram())
    width = float(svg.get("viewBox").split()[2])
    # drawn at its viewBox width at most (the width attribute; CSS max-width: 100%), and
    # that width fits a 320 px phone's chart box, so 1 unit is close to 1 px everywhere
    assert float(svg.get("width")) == width <= 280
    all_text = list(svg.iter(f"{SVG}text"))
    assert all_text and all(float(t.get("font-size")) >= 14 for t in all_text)


def test_histogram_labels_the_bin_edges_under_the_bar_boundaries():
    svg = parse(histogram())
    labels = {t.text: float(t.get("x")) for t in texts(svg, "chart-label") if t.text.isdigit()}
    assert list(labels) == [str(edge) for edge in range(0, 101, 10)]
    bars = [b for b in svg.iter(f"{SVG}rect") if b.get("class") == "chart-bar"]
    assert len(bars) == 10
    for i, bar in enumerate(bars):  # each bar sits between the labels of its two edges
        left, right = float(bar.get("x")), float(bar.get("x")) + float(bar.get("width"))
        assert labels[str(i * 10)] < left < right < labels[str(i * 10 + 10)]
        assert left - labels[str(i * 10)] < 3 and labels[str(i * 10 + 10)] - right < 3


@pytest.mark.parametrize("pass_percent", [80.0, 65.0, 30.0])
def test_histogram_draws_the_pass_mark_as_a_labelled_line(pass_percent):
    svg = parse(histogram(pass_percent=pass_percent))
    edges = {t.text: float(t.get("x")) for t in texts(svg, "chart-label") if t.text.isdigit()}
    [line] = [x for x in svg.iter(f"{SVG}line") if x.get("class") == "chart-pass"]
    x = float(line.get("x1"))
    assert x == float(line.get("x2"))
    assert x == pytest.approx(edges["0"] + (edges["100"] - edges["0"]) * pass_percent / 100,
                              abs=0.1)
    [label] = texts(svg, "chart-pass-label")
    assert label.text == f"pass mark {pass_percent:g}%"
    assert float(label.get("font-size")) >= 14
    assert f"The pass mark is {pass_percent:g}%." in svg.find(f"{SVG}desc").text


def test_histogram_keeps_its_title_description_and_table():
    chart = histogram()
    svg = parse(chart)
    assert svg.find(f"{SVG}title").text == "Best scores: Alpha"
    desc = svg.find(f"{SVG}desc").text
    assert "most common range is 80–89% with 5 learners" in desc
    assert "9 learners scored 80% or more" in desc
    assert chart.rows[8] == ("80–89%", "5") and len(chart.rows) == 10


def test_histogram_values_that_would_collide_give_way_to_the_tallest_bar():
    svg = parse(histogram(bins=(5, 40, 120, 900, 1500, 2400, 1800, 700, 300, 100)))
    values = [t.text for t in texts(svg, "chart-value")]
    assert values == ["tallest: 2400"]
    few = parse(histogram(bins=(0, 1, 2, 0, 0, 0, 0, 0, 0, 0)))
    assert [t.text for t in texts(few, "chart-value")] == ["1", "2"]


def test_funnel_is_html_text_with_the_whole_titles():
    long_title = "Your side of the line: what the customer always owns"
    chart = charts.completion_funnel(chart_id="f", members=40,
                                     steps=[("Why it matters", 40), (long_title, 10)])
    assert chart.svg is None
    assert [(b.label, b.value, b.width) for b in chart.bars] == [
        ("Why it matters", "40 (100%)", "100.0"), (long_title, "10 (25%)", "25.0")]
    assert chart.rows[1] == (long_title, "10", "25%")
