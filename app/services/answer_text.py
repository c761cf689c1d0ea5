"""Readable text for stored answers: question prompts and responses as plain words.

Reports and CSV exports show people, not ids: "Microsoft + The customer", not '["a","b"]'.
Lab answers (quiz slug 'lab') have question ids '<row id>:<column id>' and a party as response.
"""

import html
import re
from dataclasses import dataclass

from app.guide import Guide
from app.guide.lab import LAB_SLUG
from app.guide.quizzes import Question

TAG = re.compile(r"<[^>]+>")


def plain(fragment: str) -> str:
    """Text of a rendered inline-Markdown fragment: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", fragment)).strip()


@dataclass(frozen=True)
class Lexicon:
    """Everything needed to turn (question id, response) into words, built once per export."""

    questions: dict[str, Question]
    prompts: dict[str, str]
    choices: dict[str, dict[str, str]]  # question id -> choice id -> text
    rows: dict[str, str]  # matrix row id -> name
    columns: dict[str, str]  # matrix column id -> label
    parties: dict[str, str]  # party id -> label


def build_lexicon(guide: Guide) -> Lexicon:
    # every catalogued quiz but the lab grid, whose cells are worded from the matrix below
    questions = {q.id: q for quiz in guide.analysed_quizzes if quiz.slug != LAB_SLUG
                 for q in quiz.questions}
    matrix = guide.matrix
    return Lexicon(
        questions=questions,
        prompts={qid: plain(q.prompt_html) for qid, q in questions.items()},
        choices={qid: {c.id: plain(c.html) for c in q.choices} for qid, q in questions.items()},
        rows={r.id: r.name for r in matrix.rows},
        columns={c.id: c.label for c in matrix.columns},
        parties={v.id: v.label for v in matrix.values})


def prompt_text(lexicon: Lexicon, question_id: str) -> str:
    if question_id in lexicon.prompts:
        return lexicon.prompts[question_id]
    row, _, column = question_id.partition(":")
    if row in lexicon.rows and column in lexicon.columns:
        return f"Matrix lab: {lexicon.rows[row]} in {lexicon.columns[column]}"
    return question_id  # a retired question: its id is all we still know


def response_text(lexicon: Lexicon, question_id: str, response, *, only_wrong: bool = False) -> str:
    """The response in words. `only_wrong` keeps just the wrong rows of a matrix answer."""
    if isinstance(response, dict):
        question = lexicon.questions.get(question_id)
        key = {r.id: r.correct for r in question.rows} if question else {}
        return "; ".join(
            f"{lexicon.rows.get(row, row)}: {lexicon.parties.get(value, value)}"
            for row, value in response.items()
            if not (only_wrong and key.get(row) == value))
    if isinstance(response, list):
        choices = lexicon.choices.get(question_id)
        if choices is None:  # a lab cell: the response names a party
            return " + ".join(lexicon.parties.get(str(v), str(v)) for v in response)
        return " + ".join(choices.get(str(v), str(v)) for v in response)
    return "" if response is None else str(response)
