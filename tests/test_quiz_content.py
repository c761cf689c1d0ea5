"""Quiz files: loading, the rules `guide check` enforces (with file:line), and the real quizzes."""


import pytest

from app.cli import main as guide_main
from app.guide import load_guide
from tests.content_helpers import errors_of, replace_in
from tests.support import FIXTURE_CONTENT, REAL_CONTENT


def test_load_quizzes_reads_every_question_type():
    guide = load_guide(FIXTURE_CONTENT)

    assert list(guide.quizzes) == ["alpha", "beta"]
    alpha = guide.quiz("alpha")
    assert alpha.pass_percent == 80  # the default
    assert [q.type for q in alpha.questions] == ["single", "multiple", "true_false", "matrix"]
    single, multiple, true_false, matrix = alpha.questions
    assert "<strong>physical datacenter</strong>" in single.prompt_html
    assert single.correct_answer == ["microsoft"]
    assert multiple.correct_answer == ["data", "accounts"]
    assert true_false.correct_answer == ["true"]
    assert true_false.choice("false").why_wrong_html.startswith("Azure provides")
    assert matrix.correct_answer == {"information-and-data": "customer",
                                     "network-controls": "shared",
                                     "operating-system": "microsoft"}
    assert matrix.section_url == "/chapters/alpha#the-matrix"
    assert guide.quiz("beta").pass_percent == 50
    assert (alpha.behaviour, guide.quiz("beta").behaviour) == ("deferred", "immediate")
    assert alpha.practice is True  # the default
    assert guide.quiz("gamma") is None


def test_question_version_changes_only_with_the_question(content):
    before = load_guide(content).quiz("alpha")
    replace_in(content / "quizzes" / "alpha.yaml", "Data and accounts stay",
               "Data and accounts always stay")
    after = load_guide(content).quiz("alpha")

    assert after.question("alpha-multiple").version != before.question("alpha-multiple").version
    assert after.question("alpha-single").version == before.question("alpha-single").version
    assert len(before.question("alpha-single").version) <= 16


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("section: alpha#first", "section: nowhere#first", 7, "unknown chapter 'nowhere'"),
    ("section: alpha#first", "section: alpha#missing", 7, "no anchor #missing"),
    ("- {id: microsoft, text: Microsoft, correct: true}", "- {id: microsoft, text: Microsoft}",
     4, "no correct answer"),
    ("title: Alpha quiz", "title: Alpha quiz\nbehaviour: instant", 3,
     "behaviour: Input should be 'deferred' or 'immediate'"),
])
def test_check_reports_quiz_errors_with_file_and_line(content, old, new, line, message):
    replace_in(content / "quizzes" / "alpha.yaml", old, new)

    errors = errors_of(content)

    assert any(f"alpha.yaml:{line}:" in e and message in e for e in errors), errors


def test_check_rejects_two_correct_choices_in_a_single_question(content):
    replace_in(content / "quizzes" / "alpha.yaml", "        text: The customer\n",
               "        text: The customer\n        correct: true\n")

    errors = errors_of(content)

    assert any("alpha.yaml:4:" in e and "exactly one correct choice" in e for e in errors), errors


def test_check_rejects_a_wrong_choice_without_why_wrong(content):
    replace_in(content / "quizzes" / "alpha.yaml",
               "        why_wrong: Physical hosts are Microsoft's in every cloud model.\n", "")

    errors = errors_of(content)

    assert any("alpha.yaml:14:" in e and "missing why_wrong" in e and "hosts" in e
               for e in errors), errors


def test_check_rejects_duplicate_question_ids_across_quizzes(content):
    replace_in(content / "quizzes" / "beta.yaml", "id: beta-single", "id: alpha-single")

    errors = errors_of(content)

    assert any("beta.yaml:6:" in e and "duplicate question id 'alpha-single'" in e
               and "alpha.yaml:4" in e for e in errors), errors


def test_check_rejects_duplicate_choice_ids(content):
    replace_in(content / "quizzes" / "alpha.yaml", "- {id: accounts,", "- {id: data,")

    errors = errors_of(content)

    assert any("alpha.yaml:14:" in e and "duplicate ids ['data']" in e for e in errors), errors


def test_check_rejects_unknown_matrix_rows_and_columns(content):
    quiz = content / "quizzes" / "alpha.yaml"
    replace_in(quiz, "rows: [information-and-data,", "rows: [no-such-layer,")
    errors = errors_of(content)
    assert any("alpha.yaml:36:" in e and "unknown matrix row 'no-such-layer'" in e
               for e in errors), errors

    replace_in(quiz, "column: paas", "column: faas")
    errors = errors_of(content)
    assert any("alpha.yaml:35:" in e and "unknown matrix column 'faas'" in e
               for e in errors), errors


def test_check_rejects_matrix_questions_on_disputed_cells(content):
    replace_in(content / "quizzes" / "alpha.yaml", "rows: [information-and-data,",
               "rows: [identity-and-directory-infrastructure, information-and-data,")

    errors = errors_of(content)

    assert any("alpha.yaml:36:" in e and "disputed" in e for e in errors), errors


def test_check_rejects_a_quiz_for_an_unknown_chapter(content):
    replace_in(content / "quizzes" / "beta.yaml", "chapter: beta", "chapter: delta")

    errors = errors_of(content)

    assert any("beta.yaml:1:" in e and "unknown chapter 'delta'" in e for e in errors), errors


def test_check_rejects_fields_of_another_question_type(content):
    replace_in(content / "quizzes" / "alpha.yaml", "    answer: true\n", "")

    errors = errors_of(content)

    assert any("alpha.yaml:25:" in e and "needs `answer`" in e for e in errors), errors


def test_guide_check_command_prints_quiz_errors_and_fails(content, capsys):
    replace_in(content / "quizzes" / "alpha.yaml", "section: alpha#first", "section: alpha#gone")

    status = guide_main(["check", str(content)])

    assert status == 1
    assert "alpha.yaml:7: section: no anchor #gone in chapter 'alpha'" in capsys.readouterr().err


def test_real_quizzes_cover_every_chapter_with_enough_questions():
    guide = load_guide(REAL_CONTENT)

    assert set(guide.quizzes) == {c.slug for c in guide.chapters}
    assert sum(len(q.questions) for q in guide.quizzes.values()) >= 45
    types = {q.type for quiz in guide.quizzes.values() for q in quiz.questions}
    assert types == {"single", "multiple", "true_false", "matrix"}
    assert guide.quiz("faq") is not None
