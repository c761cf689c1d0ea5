"""The content engine: front matter, rendering, navigation, search and file:line errors."""

import pytest
from bs4 import BeautifulSoup

from app.guide import load_guide
from app.guide.rendering import MarkdownRenderer
from tests.content_helpers import errors_of, replace_in
from tests.support import FIXTURE_CONTENT


def test_load_guide_orders_chapters_and_reads_front_matter():
    guide = load_guide(FIXTURE_CONTENT)

    assert [c.slug for c in guide.chapters] == ["alpha", "beta", "gamma"]
    alpha = guide.chapter("alpha")
    assert alpha.title == "Alpha chapter"
    assert alpha.minutes == 3
    assert alpha.objectives == ("Know what alpha means.",)
    assert alpha.sources[0].url.startswith("https://learn.microsoft.com/")


def test_chapter_headings_get_explicit_and_derived_anchors_with_permalinks():
    alpha = load_guide(FIXTURE_CONTENT).chapter("alpha")

    assert [(h.level, h.id) for h in alpha.toc] == [
        (2, "first"), (3, "a-subsection"), (2, "the-matrix")]
    permalink = BeautifulSoup(alpha.html, "html.parser").select_one("h2#first a.headerlink")
    assert permalink["href"] == "#first"
    assert permalink["aria-label"] == "Link to section First section"  # not a tab stop named "#"


def test_tables_sit_in_labelled_keyboard_scroll_regions():
    html = '## Ranking {#ranking}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    page = BeautifulSoup(MarkdownRenderer().render(html).html, "html.parser")
    region = page.select_one("div.table-scroll")
    assert region.select_one("table") is not None
    assert (region["role"], region["tabindex"]) == ("region", "0")
    assert region["aria-label"] == "Table: Ranking"


def test_neighbours_give_previous_and_next():
    guide = load_guide(FIXTURE_CONTENT)
    alpha, beta, gamma = guide.chapters

    assert guide.neighbours(alpha) == (None, beta)
    assert guide.neighbours(beta) == (alpha, gamma)
    assert guide.neighbours(gamma) == (beta, None)


def test_matrix_directive_is_replaced_by_the_rendered_table():
    guide = load_guide(FIXTURE_CONTENT, render_matrix=lambda m: f"<table>{len(m.rows)}</table>")

    assert "<table>10</table>" in guide.chapter("alpha").html
    assert "[[matrix]]" not in guide.chapter("alpha").html


def test_inline_directives_state_the_disputed_cells_from_the_matrix(content):
    path = content / "chapters" / "03-gamma.md"
    replace_in(path, "Backups are",
               "They disagree on [[disputed-count]]: [[disputed-list]]. Backups are")

    html = load_guide(content).chapter("gamma").html
    assert ("They disagree on four cells: “Devices (Mobile and PCs)” in SaaS, “Identity and "
            "directory infrastructure” in PaaS and SaaS, and “Applications” in SaaS.") in html


def test_search_finds_sections_with_every_word_and_ranks_headings_first():
    guide = load_guide(FIXTURE_CONTENT)

    hits = guide.search("identity directory").hits
    assert [h.section.url for h in hits] == ["/chapters/beta#later"]
    assert {f.text.lower() for f in hits[0].snippet if f.match} == {"identity", "directory"}
    assert guide.search("encrypt").hits[0].section.url == "/chapters/alpha#a-subsection"  # stem
    assert not guide.search("zebra")
    assert not guide.search("   ")


def test_missing_front_matter_is_reported_at_line_1(content):
    path = content / "chapters" / "03-gamma.md"
    path.write_text("## No front matter\n")

    assert errors_of(content) == [f"{path}:1: missing YAML front matter (--- ... ---)"]


def test_front_matter_schema_errors_name_the_line_of_the_field(content):
    path = content / "chapters" / "02-beta.md"
    replace_in(path, "minutes: 4", "minutes: many")

    assert errors_of(content) == [
        f"{path}:6: minutes: Input should be a valid integer, unable to parse string as an integer"
    ]


def test_invalid_yaml_is_reported_at_its_line(content):
    path = content / "chapters" / "02-beta.md"
    replace_in(path, "title: Beta chapter", "title: [unclosed")

    [error] = errors_of(content)
    assert error.startswith(f"{path}:4: invalid YAML")


def test_duplicate_slug_and_order_are_reported(content):
    path = content / "chapters" / "03-gamma.md"
    replace_in(path, "slug: gamma", "slug: beta")
    replace_in(path, "order: 3", "order: 1")

    errors = errors_of(content)
    assert f"{path}:2: slug 'beta' already used by 02-beta.md" in errors
    assert f"{path}:4: order 1 already used by 01-alpha.md" in errors


def test_broken_links_name_the_line_of_the_link(content):
    path = content / "chapters" / "02-beta.md"
    replace_in(path, "(/chapters/alpha#first)", "(/chapters/alpha#nowhere)")
    replace_in(path, "## Later {#later}", "## Later {#later}\n\nSee [x](/chapters/missing).")

    errors = errors_of(content)
    assert f"{path}:13: link to unknown page '/chapters/missing'" in errors
    assert f"{path}:19: link to unknown anchor #nowhere in chapter 'alpha'" in errors


def test_unknown_directive_is_an_error(content):
    path = content / "chapters" / "03-gamma.md"
    replace_in(path, "## Only section {#only}", "## Only section {#only}\n\n[[quiz-widget]]")

    assert errors_of(content) == [f"{path}:13: unknown directive [[quiz-widget]]"]


def test_matrix_shape_errors_name_the_row(content):
    path = content / "matrix.yaml"
    replace_in(path, "cells: {on_prem: customer, iaas: customer, paas: shared, saas: microsoft}\n"
               "    disputed: [saas]",
               "cells: {on_prem: customer, iaas: nobody, paas: shared, saas: microsoft}\n"
               "    disputed: [saas]")

    [error] = errors_of(content)
    assert error.startswith(f"{path}:")
    assert "rows.4.cells.iaas" in error
    line = int(error.split(":")[1])
    assert "iaas: nobody" in path.read_text().splitlines()[line - 1]


def test_guide_check_command_prints_errors_and_exits_non_zero(content, capsys):
    from app.cli import main

    (content / "chapters" / "03-gamma.md").write_text("no front matter")
    assert main(["check", str(content)]) == 1
    assert "03-gamma.md:1: missing YAML front matter" in capsys.readouterr().err
    assert main(["check", str(FIXTURE_CONTENT)]) == 0


def test_server_refuses_to_start_on_invalid_content(content, tmp_path):
    import subprocess
    import sys

    from tests.support import ROOT

    (content / "chapters" / "02-beta.md").write_text("no front matter")
    env = {"GUIDE_CONTENT_DIR": str(content), "GUIDE_VAR_DIR": str(tmp_path / "var"),
           "GUIDE_SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--port", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "02-beta.md:1: missing YAML front matter" in result.stderr


def test_invalid_utf8_in_a_chapter_is_reported_at_its_line_and_column(content):
    path = content / "chapters" / "02-beta.md"
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"ab\xff" + lines[2]
    path.write_bytes(b"\n".join(lines))

    assert errors_of(content) == [f"{path}:3: not valid UTF-8 (byte 0xff at column 3)"]


@pytest.mark.parametrize("name", ["matrix.yaml", "quizzes/alpha.yaml"])
def test_invalid_utf8_in_a_yaml_file_is_a_content_error(content, name):
    path = content / name
    path.write_bytes(b"# caf\xe9\n" + path.read_bytes())

    assert errors_of(content) == [f"{path}:1: not valid UTF-8 (byte 0xe9 at column 6)"]


def test_invalid_utf8_in_the_lab_file_is_a_content_error(tmp_path):
    from app.guide.lab import load_lab
    from app.guide.yamlfile import ContentErrorList

    path = tmp_path / "lab.yaml"
    path.write_bytes(b"title: Lab\nintro: \xc3\x28\n")
    with pytest.raises(ContentErrorList) as caught:
        load_lab(path, None, {})
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:2: not valid UTF-8 (byte 0xc3 at column 8)"]


def test_guide_check_reports_invalid_utf8_and_exits_non_zero(content, capsys):
    from app.cli import main

    path = content / "chapters" / "01-alpha.md"
    path.write_bytes(path.read_bytes() + b"\n\x80\n")
    assert main(["check", str(content)]) == 1
    err = capsys.readouterr().err
    assert "01-alpha.md:" in err and "not valid UTF-8 (byte 0x80 at column 1)" in err
    assert "Traceback" not in err
