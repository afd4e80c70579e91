"""The one sentence splitter (assistant/sentences.py), for messages and for our own texts."""

from assistant.sentences import question_spans, split_sentences


def test_messages_split_at_end_punctuation_followed_by_space_and_at_line_breaks():
    assert split_sentences("my eye is red. is that AS?\nwhat do i do") == [
        "my eye is red.",
        "is that AS?",
        "what do i do",
    ]
    assert split_sentences("Is 38.5 a fever?? I take 7.5mg...  ok") == ["Is 38.5 a fever??", "I take 7.5mg...", "ok"]
    assert split_sentences("") == [] and split_sentences("  \n ") == []


def test_our_texts_keep_abbreviations_whole():
    assert split_sentences("Ask (e.g. your GP) first. Then rest.", prose=True) == [
        "Ask (e.g. your GP) first.",
        "Then rest.",
    ]
    assert split_sentences("Ask (e.g. your GP) first.") == ["Ask (e.g.", "your GP) first."]


def test_question_spans_are_the_sentences_that_ask():
    text = "My son has AS. Is it inherited? Should we all be tested?"
    assert [text[a:b] for a, b in question_spans(text)] == ["Is it inherited?", "Should we all be tested?"]
    assert question_spans("see https://x.org/index.php?id=3 please") == []
