"""The real-question halves are a measure, never training data: no training example may be a
near copy of one of their questions (or of the held-out set's), no training source may be a
page they were drawn from, and the sealed test half shares no host (site) with training."""

import re

import pytest
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from tests.conftest import ROOT

# Cosine similarity of character 3-5-grams: a copy with a word or two changed scores over 0.85;
# two different questions on one topic score well under it.
NEAR_COPY = 0.85


def nlu_examples(path):
    examples = []
    for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                examples.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return examples


TRAINING = [e for p in sorted((ROOT / "data/nlu").rglob("*.yml")) for e in nlu_examples(p)]
DEV = yaml.safe_load((ROOT / "tests/real_questions/dev.yml").read_text())["questions"]
TEST = yaml.safe_load((ROOT / "tests/real_questions/test.yml").read_text())["questions"]
REAL = [q["text"] for q in DEV + TEST]
HOLDOUT = nlu_examples(ROOT / "tests/nlu_holdout.yml")


def near_copies(tests, training):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit(tests + training)
    similarity = cosine_similarity(vectorizer.transform(tests), vectorizer.transform(training))
    # Short greetings ("hi", "thanks") are the same everywhere; only questions count.
    return [
        (tests[i], training[j], round(float(similarity[i, j]), 2))
        for i, j in zip(*(similarity >= NEAR_COPY).nonzero(), strict=True)
        if len(tests[i].split()) >= 5
    ]


def test_the_real_question_set_is_large_and_sourced():
    questions = DEV + TEST
    assert len(DEV) >= 250 and len(TEST) >= 250
    assert sum(q.get("part") == "new" for q in TEST) >= 150
    assert all(q["source"].startswith(("http://", "https://")) for q in questions)
    assert all(q["intent"] and isinstance(q.get("facts", []), list) for q in questions)


@pytest.mark.parametrize("name, tests", [("real questions", REAL), ("held-out set", HOLDOUT)])
def test_no_training_example_is_a_near_copy_of_a_test_question(name, tests):
    assert near_copies(tests, TRAINING) == []


def test_the_check_catches_a_near_copy():
    question = REAL[0]
    assert near_copies([question], [question.replace(".", "!") + " thanks"])


def page(url):
    """A URL as a page: scheme, "www." and a trailing slash do not make another page."""
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


def training_sources():
    return {
        page(url)
        for p in (ROOT / "data/nlu").rglob("*.yml")
        for url in re.findall(r"^#\s*source:\s*(\S+)", p.read_text(), flags=re.MULTILINE)
    }


def test_training_examples_modelled_on_public_questions_never_use_a_test_questions_page():
    # Examples written from real public questions (data/nlu/patient_voice/public_questions_*.yml)
    # name their pages; a page the real-question set was drawn from stays out of training.
    sources = training_sources()
    assert len(sources) >= 150
    tested = {page(q["source"]) for q in DEV + TEST}
    assert sorted(sources & tested) == []


def host(url):
    """A URL's site: scheme, "www." and the path do not make another host."""
    return re.sub(r"^https?://(www\.)?", "", url.strip()).split("/")[0].split(":")[0].lower()


def test_the_sealed_test_half_shares_no_host_with_training_sources():
    training_hosts = {
        host(url)
        for p in (ROOT / "data/nlu").rglob("*.yml")
        for url in re.findall(r"^#\s*source:\s*(\S+)", p.read_text(), flags=re.MULTILINE)
    }
    assert sorted(training_hosts & {host(q["source"]) for q in TEST}) == []


def test_the_new_test_questions_come_from_hosts_no_dev_question_came_from():
    dev_hosts = {host(q["source"]) for q in DEV}
    assert sorted(dev_hosts & {host(q["source"]) for q in TEST if q.get("part") == "new"}) == []


def test_host_ignores_scheme_www_path_and_port():
    assert host("https://www.nass.co.uk/about/") == host("http://nass.co.uk:443/x") == "nass.co.uk"


def test_page_treats_scheme_www_and_slash_as_the_same_page():
    assert page("https://www.nass.co.uk/about/") == page("http://nass.co.uk/about")
