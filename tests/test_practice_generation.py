"""Practice generated from the service baselines: the rules, determinism, and a contract over
the real content (every generated answer is the baseline's own value)."""

import dataclasses
import random
import re
import time
from pathlib import Path

import pytest

from app.guide.baseline_vocabulary import ATTRIBUTION
from app.guide.baselines import Feature, Profile, ServiceBaseline
from app.guide.practice import (
    FAMILY_PREFIX,
    OTHER,
    QUESTIONS_PER_FAMILY,
    SORTING_SLUG,
    build_practice,
    families,
    family_quiz,
    usable_features,
)
from app.guide.vocabulary import PARTIES, SLUG_PATTERN
from app.main import create_app
from tests.support import FIXTURE_CONTENT, REAL_CONTENT, make_settings

QUOTED = re.compile(r"“(.+)”")


def feature(name: str | None = "Private Link", *, control_id: str | None = "NS-2",
            responsibility: str = "customer", supported: bool | None = True,
            enabled_by_default: bool | None = False, guidance: str | None = None) -> Feature:
    return Feature(domain=None, control_id=control_id, control_title=None, feature=name,
                   description=None, supported=supported, enabled_by_default=enabled_by_default,
                   responsibility=responsibility, guidance=guidance, reference=None, notes=None,
                   guidance_notes=None)


def service(slug: str, features, category: str = "Databases") -> ServiceBaseline:
    return ServiceBaseline(slug=slug, name=slug.replace("-", " ").title(), category=category,
                           profile=Profile(host_access="none", vnet_deployable=None,
                                           stores_content_at_rest=None),
                           features=tuple(features), path=Path(f"{slug}.yaml"))


def rich_service(slug: str, category: str = "Databases") -> ServiceBaseline:
    """A service with six usable features, answers of every kind."""
    parties = ("customer", "microsoft", "shared")
    return service(slug, [feature(f"Feature {i}", responsibility=parties[i % 3],
                                  enabled_by_default=i % 2 == 0) for i in range(6)], category)


@pytest.fixture(scope="module")
def real_guide(guides):
    return guides[REAL_CONTENT]


def test_usable_features_skip_every_ambiguous_row():
    kept = feature("Kept")
    baseline = service("svc", [
        kept,
        feature("Not applicable", responsibility="not_applicable"),
        feature("Support unknown", supported=None),
        feature("Not supported", supported=False),
        feature(None),
        feature("No control", control_id=None),
        feature("Two owners", responsibility="customer"),
        feature("Two owners", responsibility="microsoft", control_id="DP-1"),
        feature("Both named", guidance="Microsoft manages keys; the customer rotates them."),
    ])
    assert usable_features(baseline) == [kept]


def test_a_repeated_feature_with_the_same_facts_is_asked_once():
    baseline = service("svc", [feature("Same"), feature("Same", control_id="DP-3")])
    assert [f.feature for f in usable_features(baseline)] == ["Same"]


def test_small_categories_are_grouped_as_other_services():
    big = [rich_service(f"db-{i}") for i in range(5)]
    small = [rich_service("iot-1", "IoT, Security"), rich_service("web-1", "Web")]
    grouped = families(big + small)
    assert sorted(grouped) == ["Databases", OTHER]
    assert [s.slug for s in grouped[OTHER]] == ["iot-1", "web-1"]


def test_generation_is_deterministic_and_ignores_input_order():
    services = [rich_service(f"db-{i}") for i in range(12)]  # sorting: one item a service
    shuffled = services[:]
    random.Random(7).shuffle(shuffled)
    first = build_practice({s.slug: s for s in services}, Path("x"))
    again = build_practice({s.slug: s for s in shuffled}, Path("x"))
    quiz = first[FAMILY_PREFIX + "databases"]
    assert [(q.id, q.version) for q in quiz.questions] == [
        (q.id, q.version) for q in again[FAMILY_PREFIX + "databases"].questions]
    assert len(quiz.questions) == QUESTIONS_PER_FAMILY
    assert first[SORTING_SLUG].questions == again[SORTING_SLUG].questions


def test_a_changed_baseline_fact_changes_the_question_version():
    services = [rich_service(f"db-{i}") for i in range(5)]
    before = family_quiz("Databases", services, Path("x"))
    asked = before.questions[0]
    slug = asked.section_url.rsplit("/", 1)[1]
    name = QUOTED.search(asked.prompt).group(1)
    changed = [dataclasses.replace(s, features=tuple(
        dataclasses.replace(f, control_id="DP-9") if f.feature == name else f
        for f in s.features)) if s.slug == slug else s for s in services]
    after = family_quiz("Databases", changed, Path("x")).question(asked.id)
    assert after is not None and after.version != asked.version


def test_too_few_usable_questions_make_no_quiz():
    assert family_quiz("Databases", [service("tiny", [feature()])], Path("x")) is None


def test_fixture_content_is_too_small_for_practice(guides):
    assert dict(guides[FIXTURE_CONTENT].practice) == {}


# --- the contract over the real content

def test_real_content_has_a_reasonable_number_of_families(real_guide):
    family_quizzes = [q for q in real_guide.practice.values()
                      if q.slug.startswith(FAMILY_PREFIX)]
    assert 6 <= len(family_quizzes) <= 12
    assert all(8 <= len(q.questions) <= 12 for q in family_quizzes)
    assert all(SLUG_PATTERN.match(q.slug) for q in family_quizzes)
    assert all(q.url == "/services/practice/" + q.slug.removeprefix(FAMILY_PREFIX)
               for q in family_quizzes)
    sorting = real_guide.practice[SORTING_SLUG]
    answers = sorted(q.correct_answer[0] for q in sorting.questions)
    assert answers == sorted(PARTIES * 4)
    assert set(real_guide.practice.values()) <= set(real_guide.analysed_quizzes)


def test_every_generated_answer_is_the_baselines_value(real_guide):
    questions = [q for quiz in real_guide.practice.values() for q in quiz.questions]
    assert questions
    for question in questions:
        slug = question.section_url.removeprefix("/services/")
        baseline = real_guide.services[slug]
        name = QUOTED.search(question.prompt).group(1)
        rows = [f for f in baseline.features if (f.feature or "").strip() == name]
        assert rows, question.id
        for row in rows:  # every row of that name: usable, and saying the same
            assert row.responsibility in PARTIES and row.supported is True, question.id
            assert row.control_id, question.id
            guidance = (row.guidance or "").casefold()
            assert not ("microsoft" in guidance and "customer" in guidance), question.id
            if question.type == "single":
                assert question.correct_answer == [row.responsibility], question.id
            else:
                assert row.enabled_by_default is not None, question.id
                expected = "true" if row.enabled_by_default else "false"
                assert question.correct_answer == [expected], question.id
        assert baseline.name in question.prompt
        assert question.explanation.endswith(ATTRIBUTION + ".")
        assert f"control {rows[0].control_id}" in question.explanation


def test_generated_question_ids_and_versions_are_unique_in_the_catalogue(real_guide):
    ids = [q.id for quiz in real_guide.analysed_quizzes for q in quiz.questions]
    assert len(ids) == len(set(ids))
    versions = [q.version for quiz in real_guide.practice.values() for q in quiz.questions]
    assert len(versions) == len(set(versions))


def test_cold_start_on_real_content_stays_cheap(tmp_path, database_url):
    """CPU time, not wall time: the test machine is shared, and waiting is not our cost."""
    started = time.process_time()
    app = create_app(make_settings(tmp_path, database_url, REAL_CONTENT), migrate=False)
    spent = time.process_time() - started
    app.state.database.dispose()
    assert spent < 1.5, f"create_app took {spent:.2f} s of CPU"
