"""How a simulated learner answers: an item-response model over the guide's real questions.

P(right) = 1 / (1 + exp(-slope * (ability - difficulty))). A few items get a negative slope,
so stronger learners miss them more often: what a miskeyed question looks like in item
analysis. Wrong answers favour one "popular" distractor, so "most chosen wrong answer" means
something.
"""

import math
import random
from dataclasses import dataclass

from app.guide import Guide
from app.guide.lab import LAB_SLUG
from app.guide.vocabulary import PARTIES


@dataclass(frozen=True)
class Part:
    """One marked part of an item: a whole choice question, a matrix row, or a lab cell."""

    key: str | None  # the matrix row id; None when the response is the value itself
    right: object
    wrong: tuple  # alternatives, most popular first


@dataclass(frozen=True)
class ItemModel:
    question_id: str
    version: str
    parts: tuple[Part, ...]
    difficulty: float
    slope: float

    def answer(self, rng: random.Random, ability: float,
               recall: float = 0.0) -> tuple[object, bool, float, float]:
        """(response, correct, score, max_score) for a learner of this ability.

        `recall` is the chance that the learner simply gives the keyed answer they were shown
        after an earlier attempt (0 on a first attempt), whatever the item's model says.
        """
        irt = 1 / (1 + math.exp(-self.slope * (ability - self.difficulty)))
        chance = recall + (1 - recall) * irt
        chosen, right = [], 0
        for part in self.parts:
            if rng.random() < chance:
                chosen.append(part.right)
                right += 1
            else:
                chosen.append(_popular(rng, part.wrong))
        if self.parts[0].key is None:
            response = chosen[0]
        else:
            response = {part.key: value for part, value in zip(self.parts, chosen, strict=True)}
        return response, right == len(self.parts), float(right), float(len(self.parts))


def _popular(rng: random.Random, options: tuple):
    # Weights 4, 1, 1, ...: the first distractor draws most of the wrong answers.
    weights = [4] + [1] * (len(options) - 1)
    return rng.choices(options, weights=weights)[0]


def build_models(guide: Guide, rng: random.Random) -> dict[str, list[ItemModel]]:
    """Per quiz slug (and 'lab'), an answer model for each of its items, in quiz order."""
    models = {}
    for slug, quiz in guide.quizzes.items():
        models[slug] = [_model(rng, q.id, q.version, _question_parts(q)) for q in quiz.questions]
    if guide.lab is not None:  # stored as the lab stores them: an item per cell, all 40
        models[LAB_SLUG] = [
            _model(rng, cell.key, cell.version,
                   (Part(None, [cell.expected],
                         tuple([p] for p in _others(cell.expected) if p not in cell.accepted)),))
            for cell in guide.lab.cells]
    return models


def _model(rng: random.Random, question_id: str, version: str, parts) -> ItemModel:
    slope = rng.uniform(0.6, 2.2)
    if rng.random() < 0.08:
        slope = -rng.uniform(0.4, 1.0)  # a "check the key" item
    return ItemModel(question_id=question_id, version=version, parts=tuple(parts),
                     difficulty=rng.gauss(-0.6, 1.0), slope=slope)


def _question_parts(question) -> list[Part]:
    if question.type == "matrix":
        return [Part(row.id, row.correct, tuple(p for p in _others(row.correct)))
                for row in question.rows]
    right = [c.id for c in question.choices if c.correct]
    wrong_ids = [c.id for c in question.choices if not c.correct]
    if question.type != "multiple":
        return [Part(None, right, tuple([w] for w in wrong_ids))]
    order = [c.id for c in question.choices]
    wrong = [sorted(right + wrong_ids[:1], key=order.index), [wrong_ids[0]]]
    if len(right) > 1:
        wrong.insert(0, right[:-1])
    return [Part(None, right, tuple(wrong))]


def _others(party: str) -> tuple[str, ...]:
    # "shared" is the usual confusion for either side; list it first when it is wrong.
    return tuple(sorted((p for p in PARTIES if p != party), key=lambda p: p != "shared"))
