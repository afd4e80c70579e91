"""The word lists of data/knowledge/lexicons.yml: every list the rules name exists, every list
in the file is used, and the notation turns into the patterns the rules had in code."""

import re
import shutil

import pytest

from assistant import caregiver, conversation_control, follow_up, red_flags, text_checks
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, knowledge_base, load_knowledge_base
from assistant.lexicons import lexicon_pattern, placeholders, word_pattern

RULE_MODULES = (caregiver, conversation_control, follow_up, red_flags, text_checks)
# assistant/language.py; assistant/red_flags.py (story_context_words)
USED_DIRECTLY = {"english_function_words", "other_function_words", "story_context_words"}


def patterns():
    return [value for module in RULE_MODULES for value in vars(module).values() if isinstance(value, lexicon_pattern)]


def test_every_list_the_rules_name_exists_and_every_list_is_used():
    lexicons = knowledge_base().lexicons
    named = set().union(*(placeholders(p.template) for p in patterns())) | USED_DIRECTLY
    assert named - set(lexicons.words) == set()
    assert set(lexicons.words) - named == set(), "a list nothing reads"
    for p in patterns():
        assert p.compiled.pattern  # compiles


@pytest.mark.parametrize(
    "word, pattern, matches, misses",
    [
        ("pill(s)", r"pills?", ["pill", "Pills"], ["pillow"]),
        ("vaccin*", r"vaccin\w*", ["vaccine", "vaccinations"], ["vacc"]),
        ("unit(s) per week", r"units?\s+per\s+week", ["units per week", "unit  per week"], ["units a week"]),
        ("what's", r"what's", ["what's"], ["whats"]),
    ],
)
def test_the_notation(word, pattern, matches, misses):
    assert word_pattern(word) == pattern
    whole = re.compile(rf"\b{pattern}\b", re.IGNORECASE)
    assert all(whole.fullmatch(m) for m in matches) and not any(whole.fullmatch(m) for m in misses)


def test_a_template_fills_its_lists_in_file_order():
    p = lexicon_pattern(r"\b{points_back}\b")
    assert p.pattern == r"\b(?:it|that|this|those|these|them)\b"
    assert p.search("how is THAT treated") and not p.search("how is bme treated")


@pytest.mark.parametrize(
    "edit, problem",
    [
        ("  points_back: [it, no]\n", "quote yes, no, on"),
        ("  points_back: []\n", "non-empty list"),
        ('  points_back: [it, "a|b"]\n', "not a word"),
    ],
)
def test_a_broken_list_stops_loading(tmp_path, edit, problem):
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    path = tmp_path / "knowledge" / "lexicons.yml"
    text = re.sub(r"  points_back: \[.*\]\n", edit, path.read_text())
    path.write_text(text)
    with pytest.raises(KnowledgeBaseError, match=problem):
        load_knowledge_base(tmp_path / "knowledge")
