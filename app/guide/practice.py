"""Practice generated from the service baselines at start-up: a quiz per service family and the
lab's sorting exercise. Nothing here is typed by hand; the rules are in content/README.md.

Every draw is deterministic: candidates are ranked by a hash of (family, service, feature,
kind), so a restart asks the same questions and item analysis stays comparable. Each
question's `version` hashes what it says, so a changed baseline row is a new item.
"""

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from app.guide.baseline_vocabulary import ATTRIBUTION, DATA_DATE
from app.guide.baselines import Feature, ServiceBaseline
from app.guide.quizzes import DEFAULT_PASS_PERCENT, Choice, Question, Quiz
from app.guide.vocabulary import IMMEDIATE, PARTIES, PARTY_LABELS

FAMILY_PREFIX = "service-family-"
PRACTICE_URL = "/services/practice"
SORTING_SLUG = "lab-sorting"
SORTING_TITLE = "Service sorting exercise"
SORTING_URL = "/lab/sorting"
QUESTIONS_PER_FAMILY = 10  # half "who configures", half "on by default"
MIN_QUESTIONS = 8  # a family with fewer usable questions is not offered
MIN_FAMILY_SERVICES = 5  # smaller categories are grouped into "Other services"
PER_SERVICE = 2  # at most this many questions about one service in a family quiz
SORTING_PER_PARTY = 4  # the sorting exercise: 4 x Customer, Microsoft, Shared
OTHER = "Other services"
FAMILY_NAMES = {"MGMT/Governance": "Management and governance",
                "AI+ML": "AI and machine learning"}
WHO, DEFAULT = "who", "default"
TRUE_FALSE = (("true", "True"), ("false", "False"))
_URL = re.compile(r":\s*https?://\S+$")


@dataclass(frozen=True)
class Home:
    """Where a practice quiz's page links back to (a chapter's quiz links to its chapter)."""

    title: str
    url: str


PRACTICE_HOME = Home(title="Service practice", url=PRACTICE_URL)


@dataclass(frozen=True)
class Candidate:
    """One usable baseline row, as a question could ask about it."""

    service: ServiceBaseline
    feature: Feature
    kind: str  # WHO or DEFAULT

    @property
    def answer(self) -> str:
        if self.kind == WHO:
            return self.feature.responsibility
        return "true" if self.feature.enabled_by_default else "false"

    def rank(self, seed: str) -> str:
        key = f"{seed}|{self.service.slug}|{self.feature.feature}|{self.kind}"
        return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def usable_features(service: ServiceBaseline) -> list[Feature]:
    """The rows whose answer is unambiguous, one per feature name (see content/README.md)."""
    seen: dict[str, set] = defaultdict(set)
    for f in service.features:
        if f.feature:
            seen[f.feature.strip()].add((f.responsibility, f.enabled_by_default))
    usable, names = [], set()
    for f in service.features:
        name = (f.feature or "").strip()
        if (not name or not f.control_id or f.responsibility not in PARTIES
                or f.supported is not True or len(seen[name]) > 1 or name in names
                or _ambiguous(f.guidance)):
            continue
        names.add(name)
        usable.append(f)
    return usable


def _ambiguous(guidance: str | None) -> bool:
    """Guidance that speaks of both parties' duties makes a one-party answer arguable."""
    text = (guidance or "").casefold()
    return "microsoft" in text and "customer" in text


def candidates(service: ServiceBaseline) -> list[Candidate]:
    found = []
    for f in usable_features(service):
        found.append(Candidate(service, f, WHO))
        if f.enabled_by_default is not None:
            found.append(Candidate(service, f, DEFAULT))
    return found


def families(services: Iterable[ServiceBaseline]) -> dict[str, list[ServiceBaseline]]:
    """Services by family: their first category; small categories grouped as OTHER."""
    by_category: dict[str, list[ServiceBaseline]] = defaultdict(list)
    for service in services:
        by_category[service.categories[0]].append(service)
    grouped: dict[str, list[ServiceBaseline]] = defaultdict(list)
    for category in sorted(by_category, key=str.casefold):
        members = by_category[category]
        name = category if len(members) >= MIN_FAMILY_SERVICES else OTHER
        grouped[FAMILY_NAMES.get(name, name)].extend(members)
    return dict(grouped)


def family_slug(name: str) -> str:
    return FAMILY_PREFIX + re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def draw(pool: list[Candidate], *, seed: str, wanted: int, per_service: int,
         per_answer: int, services: Counter | None = None) -> list[Candidate]:
    """The first `wanted` candidates in hash order, spreading services and answers.

    `services` counts questions already drawn per service (updated here)."""
    chosen: list[Candidate] = []
    services = Counter() if services is None else services
    answers: Counter = Counter()
    for candidate in sorted(pool, key=lambda c: c.rank(seed)):
        if len(chosen) == wanted:
            break
        if (services[candidate.service.slug] >= per_service
                or answers[candidate.answer] >= per_answer):
            continue
        chosen.append(candidate)
        services[candidate.service.slug] += 1
        answers[candidate.answer] += 1
    return chosen


def family_quiz(name: str, services: list[ServiceBaseline], path: Path) -> Quiz | None:
    """A quiz of up to QUESTIONS_PER_FAMILY questions, or None when too few are usable."""
    slug = family_slug(name)
    pool = [c for s in services for c in candidates(s)]
    half = QUESTIONS_PER_FAMILY // 2
    picked, per_service = [], Counter()
    for kind in (WHO, DEFAULT):  # no answer on more than 60% of a kind's questions
        of_kind = [c for c in pool if c.kind == kind]
        picked += draw(of_kind, seed=slug, wanted=half, per_service=PER_SERVICE,
                       per_answer=(half * 3) // 5, services=per_service)
    picked = _fill(picked, pool, slug)
    if len(picked) < MIN_QUESTIONS:
        return None
    picked.sort(key=lambda c: c.rank(slug + "|order"))
    # Immediate feedback (checks are final for the attempt): practice, yet analysed fairly.
    return Quiz(slug=slug, title=f"Practice: {name}", chapter_slug="", behaviour=IMMEDIATE,
                pass_percent=DEFAULT_PASS_PERCENT,
                questions=tuple(_question(c, prefix="svc") for c in picked), path=path,
                page_url=f"{PRACTICE_URL}/{slug.removeprefix(FAMILY_PREFIX)}")


def _fill(picked: list[Candidate], pool: list[Candidate], seed: str) -> list[Candidate]:
    """Top up a short draw (a family where one answer dominates) without the answer cap."""
    if len(picked) >= QUESTIONS_PER_FAMILY:
        return picked
    taken = {id(c) for c in picked}
    services = Counter(c.service.slug for c in picked)
    for candidate in sorted(pool, key=lambda c: c.rank(seed)):
        if len(picked) == QUESTIONS_PER_FAMILY:
            break
        if id(candidate) in taken or services[candidate.service.slug] >= PER_SERVICE:
            continue
        picked.append(candidate)
        services[candidate.service.slug] += 1
    return picked


def sorting_quiz(services: Iterable[ServiceBaseline], path: Path) -> Quiz | None:
    """The lab's sorting exercise: a fixed set of features, balanced across the parties."""
    pool = [c for s in services for c in candidates(s) if c.kind == WHO]
    picked = draw(pool, seed=SORTING_SLUG, wanted=SORTING_PER_PARTY * len(PARTIES),
                  per_service=1, per_answer=SORTING_PER_PARTY)
    if len(picked) < SORTING_PER_PARTY * len(PARTIES):
        return None
    return Quiz(slug=SORTING_SLUG, title=SORTING_TITLE, chapter_slug="",
                pass_percent=DEFAULT_PASS_PERCENT,
                questions=tuple(_question(c, prefix="sort") for c in picked), path=path,
                page_url=SORTING_URL)


def build_practice(services: Mapping[str, ServiceBaseline], services_dir: Path) -> dict:
    """The sorting exercise, then one quiz per family, by slug (empty without baselines)."""
    quizzes = [sorting_quiz(services.values(), services_dir)]
    quizzes += [family_quiz(name, members, services_dir)
                for name, members in families(services.values()).items()]
    return {quiz.slug: quiz for quiz in quizzes if quiz is not None}


def _question(candidate: Candidate, *, prefix: str) -> Question:
    service, feature = candidate.service, candidate.feature
    if prefix == "sort":
        prompt = f"“{feature.feature}” in {service.name}"
    elif candidate.kind == WHO:
        prompt = f"In {service.name}, who configures “{feature.feature}”?"
    else:
        prompt = f"Is “{feature.feature}” on by default in {service.name}?"
    options = tuple(PARTY_LABELS.items()) if candidate.kind == WHO else TRUE_FALSE
    explanation = facts(service, feature)
    choices = tuple(
        Choice(id=value, text=label, html=escape(label), correct=value == candidate.answer,
               why_wrong_html=None if value == candidate.answer else escape(
                   f"The baseline says {_said(candidate)}."))
        for value, label in options)
    question_id = _question_id(prefix, candidate)
    version = hashlib.blake2b("|".join(
        [question_id, prompt, candidate.answer, explanation, *(c.id for c in choices)]).encode(),
        digest_size=6).hexdigest()
    return Question(id=question_id, type="single" if candidate.kind == WHO else "true_false",
                    prompt=prompt, prompt_html=escape(prompt), explanation=explanation,
                    explanation_html=escape(explanation),
                    section_url=f"/services/{service.slug}", version=version, line=0,
                    choices=choices)


def _question_id(prefix: str, candidate: Candidate) -> str:
    feature = hashlib.blake2b((candidate.feature.feature or "").encode(),
                              digest_size=3).hexdigest()
    return f"{prefix}-{candidate.service.slug}-{candidate.kind}-{feature}"


def _said(candidate: Candidate) -> str:
    if candidate.kind == WHO:
        return f"“{PARTY_LABELS[candidate.answer]}”"
    return "it is on by default" if candidate.answer == "true" else "it is not on by default"


def facts(service: ServiceBaseline, feature: Feature) -> str:
    """The baseline's facts about one row, in a sentence of the guide's own, with credit."""
    default = {True: "on by default", False: "not on by default",
               None: "with no default stated"}[feature.enabled_by_default]
    owner = {"customer": "the customer configures it",
             "microsoft": "Microsoft is responsible for it",
             "shared": "Microsoft and the customer share it"}[feature.responsibility]
    text = (f"Microsoft's {DATA_DATE} security baseline for {service.name} lists "
            f"“{feature.feature}” (control {feature.control_id}) as supported and {default}; "
            f"{owner}.")
    if title := reference_title(feature.reference):
        text += f" Microsoft's reference: “{title}”."
    return f"{text} {ATTRIBUTION}."


def reference_title(reference: str | None) -> str:
    """"Title: https://..." as the workbooks write references -> "Title"."""
    return _URL.sub("", (reference or "").strip()).strip()
