"""The word lists of data/knowledge/lexicons.yml, and patterns built from them.

The rules keep their grammar in code and take their words from the data:

    _MEDICINE_WORDS = lexicon_pattern(r"\\b{medicine_words}\\b")

`{name}` stands for the list as an alternation of whole words; the pattern is compiled on its
first use, from the knowledge base this process loaded (`knowledge_base().lexicons`), so
importing a rule module reads no file. The notation of a word (`vaccin*`, `pill(s)`, spaces)
is described at the top of lexicons.yml.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterator, Match, Optional, Pattern, Tuple, Union

from assistant.knowledge_files import KnowledgeBaseError, read_yaml

# What a word may be written with: letters (any script), digits, apostrophes, hyphens, spaces,
# and the notation's trailing "*" or "(s)".
_WORD = re.compile(r"[^\W_](?:[\w'’ -]|\(s\))*\*?")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Lexicons:
    words: Dict[str, Tuple[str, ...]]

    def __getitem__(self, name: str) -> Tuple[str, ...]:
        return self.words[name]

    def set(self, name: str) -> FrozenSet[str]:
        return frozenset(self.words[name])

    def alternation(self, name: str) -> str:
        """The list as a regular expression: `(?:stop|come\\s+off|pills?|vaccin\\w*)`, in file order."""
        return "(?:" + "|".join(word_pattern(w) for w in self.words[name]) + ")"


def word_pattern(word: str) -> str:
    """ "pill(s)" -> pills?, "vaccin*" -> vaccin\\w*, "units of" -> units\\s+of."""
    return r"\s+".join(_part_pattern(part) for part in word.split())


def _part_pattern(part: str) -> str:
    if part.endswith("*"):
        return re.escape(part[:-1]) + r"\w*"
    if part.endswith("(s)"):
        return re.escape(part[:-3]) + "s?"
    return re.escape(part)


def load_lexicons(path: Path) -> Lexicons:
    raw = read_yaml(path).get("lexicons")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeBaseError(path, "", "expected a non-empty 'lexicons' mapping")
    words: Dict[str, Tuple[str, ...]] = {}
    for name, items in raw.items():
        if not isinstance(items, list) or not items:
            raise KnowledgeBaseError(path, name, "must be a non-empty list of words")
        for item in items:
            # YAML reads a bare no, yes or on as true or false: quote them.
            if not isinstance(item, str) or not _WORD.fullmatch(item.strip()):
                raise KnowledgeBaseError(path, name, f"{item!r} is not a word or phrase (quote yes, no, on)")
        words[name] = tuple(" ".join(item.lower().split()) for item in items)
    return Lexicons(words)


def _lexicons() -> Lexicons:
    from assistant.knowledge import knowledge_base

    return knowledge_base().lexicons


class lexicon_pattern:  # noqa: N801 (used like re.compile)
    """A regular expression whose `{name}` parts are word lists, compiled on first use."""

    def __init__(
        self,
        template: str,
        flags: Union[int, re.RegexFlag] = re.IGNORECASE,
        lexicons: Callable[[], Lexicons] = _lexicons,
    ) -> None:
        self.template, self.flags, self._lexicons = template, flags, lexicons
        self._compiled: Optional[Pattern[str]] = None

    @property
    def compiled(self) -> Pattern[str]:
        if self._compiled is None:
            lexicons = self._lexicons()
            source = _PLACEHOLDER.sub(lambda m: lexicons.alternation(m.group(1)), self.template)
            self._compiled = re.compile(source, self.flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    def search(self, text: str, *args: Any) -> Optional[Match[str]]:
        return self.compiled.search(text, *args)

    def match(self, text: str, *args: Any) -> Optional[Match[str]]:
        return self.compiled.match(text, *args)

    def finditer(self, text: str, *args: Any) -> Iterator[Match[str]]:
        return self.compiled.finditer(text, *args)

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        return self.compiled.sub(repl, text, count)


def placeholders(template: str) -> FrozenSet[str]:
    """The lists a template names (for the test that every list the code uses exists)."""
    return frozenset(_PLACEHOLDER.findall(template))
