"""Kano survey answers: words, codes and the CSV file they come in.

A Kano question is asked twice: *functional* ("if the product has the feature, how do you
feel?") and *dysfunctional* ("if it does not have it?"). The five standard answers (Kano et
al. 1984; Berger et al. 1993) are coded 1-5:

====  ===========  ===============================================  ========================
code  answer       English words accepted (case-insensitive)        Chinese wordings
====  ===========  ===============================================  ========================
1     like         like, I like it, like it that way, delighted     喜欢, 我喜欢, 很喜欢
2     must-be      must-be, must be, expect, I expect it, expected  理应如此, 必须这样, 理所当然, 应该的
3     neutral      neutral, I am neutral, indifferent, don't care   无所谓, 中立, 无关紧要
4     live-with    live-with, I can live with it, tolerate          能忍受, 可以忍受, 勉强接受
5     dislike      dislike, I dislike it, dislike it that way       不喜欢, 我不喜欢, 讨厌
====  ===========  ===============================================  ========================

The three-answer short form (``scale=3``) codes like 1, neutral 2, dislike 3.

The CSV file has a header row with the columns ``respondent, attribute, functional,
dysfunctional`` (any order, case-insensitive) and optionally ``importance`` (a self-stated
importance rating, Berger et al. 1993 §IIb); one row per respondent and attribute.

Examples
--------
>>> parse_answer("I like it"), parse_answer("理应如此"), parse_answer(5)
(1, 2, 5)
>>> parse_answer("neutral", scale=3)
2
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

import numpy as np

from youzhi._files import csv_rows, read_csv_text
from youzhi.errors import FileFormatError, InputError

#: Names of the five answers, by code - 1.
ANSWER_NAMES = ("like", "must-be", "neutral", "live-with", "dislike")
#: Names of the three short-form answers, by code - 1.
SHORT_ANSWER_NAMES = ("like", "neutral", "dislike")

_WORDS_5 = {
    1: ["like", "i like it", "like it", "i like it that way", "like it that way", "delighted",
        "i would like it", "satisfied", "喜欢", "我喜欢", "很喜欢", "我很喜欢", "非常喜欢", "满意", "我喜欢这样"],
    2: ["must be", "must-be", "mustbe", "it must be that way", "must be that way", "expect", "expect it",
        "i expect it", "i expect it that way", "expected", "it must be", "理应如此", "它理应如此", "必须这样",
        "必须如此", "它必须这样", "理所当然", "理所应当", "应该的", "应该这样", "它应该这样", "当然", "必须的"],
    3: ["neutral", "i am neutral", "i'm neutral", "indifferent", "i don't care", "don't care",
        "dont care", "no feeling", "无所谓", "我无所谓", "中立", "无关紧要", "都可以", "一般", "没感觉"],
    4: ["live with", "live-with", "livewith", "i can live with it", "can live with it",
        "i can live with it that way", "live with it", "tolerate", "i can tolerate it", "tolerate it",
        "能忍受", "我能忍受", "可以忍受", "勉强接受", "能接受", "可以接受", "我能接受", "我可以忍受", "忍受"],
    5: ["dislike", "i dislike it", "dislike it", "i dislike it that way", "dislike it that way",
        "i don't like it", "don't like it", "not like", "不喜欢", "我不喜欢", "讨厌", "很不喜欢", "我很不喜欢",
        "不满意"],
}
_WORDS_3 = {1: _WORDS_5[1], 2: _WORDS_5[3], 3: _WORDS_5[5]}


def _normalize(text: str) -> str:
    text = text.strip().lower().replace("’", "'").replace("_", " ")
    text = re.sub(r"[\s\.\!。！，,]+$", "", text)
    return re.sub(r"\s+", " ", text)


def _table(words: dict[int, list[str]]) -> dict[str, int]:
    table: dict[str, int] = {}
    for code, variants in words.items():
        for word in variants:
            table[_normalize(word)] = code
            table[_normalize(word).replace("-", " ")] = code
    return table


_LOOKUP = {5: _table(_WORDS_5), 3: _table(_WORDS_3)}


def parse_answer(value: object, *, scale: int = 5, where: str = "answer") -> int:
    """The code (1..``scale``) of one Kano answer given as a code or a word.

    Parameters
    ----------
    value : int, str
        ``1``-``5`` (``1``-``3`` for the short form), as a number or text, or one of the words
        in the module table (case-insensitive; trailing punctuation ignored).
    scale : {5, 3}
        The five-answer form or the three-answer short form.
    where : str
        Prefix of the error message (for example ``"answers.csv: row 4: functional"``).

    Examples
    --------
    >>> parse_answer(" Dislike ."), parse_answer("能忍受"), parse_answer("3")
    (5, 4, 3)
    """
    if scale not in (3, 5):
        raise InputError(f"scale: must be 5 (full form) or 3 (short form), got {scale!r}")
    accepted = "1-5 or like/must-be/neutral/live-with/dislike" if scale == 5 else "1-3 or like/neutral/dislike"
    if isinstance(value, bool):
        raise InputError(f"{where}: expected {accepted}, got {value!r}")
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and math.isfinite(value)
                                                 and float(value).is_integer()):
        code = int(value)
        if 1 <= code <= scale:
            return code
        raise InputError(f"{where}: expected {accepted}, got {value!r}")
    if not isinstance(value, str):
        raise InputError(f"{where}: expected {accepted}, got {value!r}")
    text = _normalize(value)
    if re.fullmatch(r"[0-9]+(\.0+)?", text):
        code = int(float(text))
        if 1 <= code <= scale:
            return code
    code = _LOOKUP[scale].get(text) or _LOOKUP[scale].get(text.replace("-", " "))
    if code is None:
        raise InputError(f"{where}: unknown answer {value!r}; expected {accepted}"
                         + ("" if scale == 3 else " (or 喜欢/理应如此/无所谓/能忍受/不喜欢)"))
    return code


@dataclass(frozen=True, repr=False, eq=False)  # holds arrays: compare fields explicitly
class KanoAnswers:
    """Coded answers, one entry per (respondent, attribute) pair.

    Attributes
    ----------
    attributes : tuple of str
        Attribute names in the order first seen.
    attribute : ndarray of int
        Index into ``attributes`` of each answer.
    respondent : tuple of str
        Respondent of each answer.
    functional, dysfunctional : ndarray of int
        Answer codes (1..``scale``).
    importance : ndarray of float
        Self-stated importance of each answer (NaN where not given).
    scale : int
        5 (full form) or 3 (short form).
    """

    attributes: tuple[str, ...]
    attribute: np.ndarray
    respondent: tuple[str, ...]
    functional: np.ndarray
    dysfunctional: np.ndarray
    importance: np.ndarray
    scale: int = 5

    def __repr__(self) -> str:
        return f"KanoAnswers({len(self.respondent)} answers, {len(self.attributes)} attributes, scale={self.scale})"

    @classmethod
    def from_records(cls, records, *, scale: int = 5, where: str = "answers") -> "KanoAnswers":
        """Build from ``(respondent, attribute, functional, dysfunctional[, importance])`` tuples.

        Examples
        --------
        >>> KanoAnswers.from_records([("r1", "Wifi", "like", "neutral")]).functional
        array([1])
        """
        names: dict[str, int] = {}
        idx, resp, fun, dys, imp = [], [], [], [], []
        seen: set[tuple[str, str]] = set()
        for k, rec in enumerate(records):
            here = f"{where}: row {k + 1}"
            if len(rec) not in (4, 5):
                raise InputError(f"{here}: expected respondent, attribute, functional, dysfunctional"
                                 f"[, importance], got {len(rec)} values")
            person, attr = str(rec[0]).strip(), str(rec[1]).strip()
            if not attr:
                raise InputError(f"{here}: attribute: must not be empty")
            if (person, attr) in seen and person:
                raise InputError(f"{here}: respondent {person!r} answered attribute {attr!r} twice")
            seen.add((person, attr))
            idx.append(names.setdefault(attr, len(names)))
            resp.append(person)
            fun.append(parse_answer(rec[2], scale=scale, where=f"{here}: functional"))
            dys.append(parse_answer(rec[3], scale=scale, where=f"{here}: dysfunctional"))
            imp.append(_importance(rec[4] if len(rec) == 5 else None, f"{here}: importance"))
        if not names:
            raise InputError(f"{where}: no answers")
        return cls(tuple(names), np.array(idx, dtype=np.int64), tuple(resp), np.array(fun, dtype=np.int64),
                   np.array(dys, dtype=np.int64), np.array(imp, dtype=float), scale)


def _importance(value: object, where: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: expected a finite number, got {value!r}")
    return number


_REQUIRED = ("respondent", "attribute", "functional", "dysfunctional")


def parse_answers_csv(text: str, *, scale: int = 5, source: str = "answers.csv") -> KanoAnswers:
    """Parse the text of a Kano answers CSV file (see the module docstring for the layout).

    Examples
    --------
    >>> text = "respondent,attribute,functional,dysfunctional\\n1,Wifi,like,dislike\\n"
    >>> parse_answers_csv(text).attributes
    ('Wifi',)
    """
    rows = [(n + 1, r) for n, r in enumerate(csv_rows(text, source)) if any(c.strip() for c in r)]
    if not rows:
        raise FileFormatError(f"{source}: empty file; expected a header row "
                              "respondent,attribute,functional,dysfunctional[,importance]")
    line, header = rows[0]
    columns = {c.strip().lower(): i for i, c in enumerate(header)}
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise FileFormatError(f"{source}: line {line}: header lacks column(s) {', '.join(missing)}; "
                              f"expected respondent,attribute,functional,dysfunctional[,importance], "
                              f"got {','.join(header)!s}")
    order = [columns[c] for c in _REQUIRED] + ([columns["importance"]] if "importance" in columns else [])
    records = []
    for line, row in rows[1:]:
        if len(row) < len(header):
            raise FileFormatError(f"{source}: line {line}: expected {len(header)} fields, got {len(row)}")
        records.append(tuple(row[i] for i in order))
    if not records:
        raise FileFormatError(f"{source}: no answers after the header")
    lines = [line for line, _ in rows[1:]]
    try:
        return KanoAnswers.from_records(records, scale=scale, where=source)
    except InputError as exc:  # name the file line rather than the record number
        message = str(exc)
        match = re.match(re.escape(source) + r": row (\d+): (.*)", message, re.S)
        if match:
            message = f"{source}: line {lines[int(match.group(1)) - 1]}: {match.group(2)}"
        raise FileFormatError(message) from None


def read_answers(path: str | os.PathLike[str], *, scale: int = 5) -> KanoAnswers:
    """Read a Kano answers CSV file; errors name the file and line.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> _ = open(path, "w").write("respondent,attribute,functional,dysfunctional\\n1,Wifi,1,5\\n")
    >>> read_answers(path)
    KanoAnswers(1 answers, 1 attributes, scale=5)
    """
    return parse_answers_csv(read_csv_text(path), scale=scale, source=os.fspath(path))
