"""The language check's matcher: blaming or pathologising terms, in any inflected form.

``content/_language.yml`` lists each term once ("enable", "codependent", "you caused"), and the
check must also catch "enables", "codependents" and "you cause". Terms and text both go
through the Snowball English stemmer (``snowballstemmer``): a word can only match a term word
with the same stem. A stem also joins words that are not forms of one another
("codependence" and "codependent" share "codepend", "control" and "controlling" share
"control"), and the course discusses codependence at length, so a match also needs the two
words to differ by an inflectional ending alone (-s, -es, -ed, -ing, 's). A term of several
words matches those words in a row, each in any of its forms.

Known gaps, each a word to list if it matters: a base form whose last consonant doubles
("stop", "stopped") does not match its doubled forms ("controlling" does match "controlled"),
and the stemmer keeps comparatives apart ("crazier" is not a form of "crazy").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer

_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Inflectional endings, longest first; what precedes must keep at least three letters.
_ENDINGS = ("ing", "ed", "es", "s")
_stemmers = threading.local()


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The Snowball English stem of a lowercase word (one stemmer per thread: it keeps state)."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


@lru_cache(maxsize=20_000)
def lexeme(word: str) -> str:
    """The word without one inflectional ending: "enables", "enabled", "enable" -> "enabl".

    Derivational endings stay ("codependence" keeps "-ence"), which is what keeps a term from
    matching the name of the idea it belongs to.
    """
    word = re.sub(r"['’]s$", "", word)
    for ending in _ENDINGS:
        if (
            word.endswith(ending)
            and len(word) - len(ending) >= 3
            and not (ending == "s" and word.endswith(("ss", "us", "is")))
        ):
            word = word[: -len(ending)]
            break
    word = word.removesuffix("e")
    return word[:-1] + "i" if word.endswith("y") else word


@dataclass(frozen=True)
class _TermWord:
    stem: str
    lexeme: str

    @classmethod
    def of(cls, word: str) -> _TermWord:
        return cls(stem(word), lexeme(word))

    def matches(self, word: str) -> bool:
        return stem(word) == self.stem and lexeme(word) == self.lexeme


@dataclass(frozen=True)
class Match:
    found: str  # the words as written in the text
    term: str  # the listed term they are a form of


@dataclass(frozen=True)
class Vocabulary:
    """Blaming or pathologising terms, each with a kinder suggestion (content/_language.yml)."""

    terms: dict[str, str]

    @cached_property
    def _by_first_letters(self) -> dict[str, list[tuple[str, tuple[_TermWord, ...]]]]:
        """Terms by the first two letters of their first word: most words in a lesson share
        them with no term, and skip the stemmer."""
        index: dict[str, list] = {}
        for term in self.terms:
            words = tuple(_TermWord.of(w) for w in _WORD_RE.findall(term.lower()))
            if words:
                index.setdefault(term.lower()[:2], []).append((term, words))
        for entries in index.values():  # the longest term wins where two start at one word
            entries.sort(key=lambda entry: len(entry[1]), reverse=True)
        return index

    def find(self, text: str) -> list[Match]:
        """Every term found in ``text``, in order, as written there."""
        if not self.terms:
            return []
        tokens = [(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
        found: list[Match] = []
        position = 0
        while position < len(tokens):
            match = self._match_at(tokens, position, text)
            if match is None:
                position += 1
            else:
                found.append(match[0])
                position += match[1]
        return found

    def _match_at(self, tokens, position: int, text: str) -> tuple[Match, int] | None:
        for term, words in self._by_first_letters.get(tokens[position][0][:2], ()):
            window = tokens[position : position + len(words)]
            if len(window) == len(words) and all(
                word.matches(token[0]) for word, token in zip(words, window, strict=True)
            ):
                return Match(text[window[0][1] : window[-1][2]], term), len(words)
        return None
