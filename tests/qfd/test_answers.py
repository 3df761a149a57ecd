"""Kano answer words, codes and the CSV reader: accepted forms, clear errors, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youzhi.errors import FileFormatError, InputError, YouzhiError
from youzhi.qfd.answers import parse_answer, parse_answers_csv, read_answers


@pytest.mark.parametrize("text,code", [
    ("like", 1), ("LIKE", 1), ("I like it", 1), ("I like it that way.", 1), ("喜欢", 1), ("我喜欢", 1),
    ("must-be", 2), ("Must be", 2), ("must_be", 2), ("I expect it", 2), ("理应如此", 2), ("必须这样", 2),
    ("理所当然", 2), ("neutral", 3), ("I am neutral", 3), ("无所谓", 3), ("live-with", 4),
    ("I can live with it", 4), ("tolerate", 4), ("能忍受", 4), ("可以忍受", 4), ("dislike", 5),
    ("I DISLIKE IT", 5), ("不喜欢", 5), ("我不喜欢", 5), ("1", 1), ("5", 5), (" 3 ", 3), ("4.0", 4), (2, 2), (5.0, 5),
])
def test_accepted_answers(text, code):
    assert parse_answer(text) == code


@pytest.mark.parametrize("text,code", [("like", 1), ("neutral", 2), ("dislike", 3), ("3", 3), ("无所谓", 2)])
def test_short_form_answers(text, code):
    assert parse_answer(text, scale=3) == code


@pytest.mark.parametrize("bad", ["maybe", "6", "0", 0, 7, True, None, 2.5, "must-be-not", ""])
def test_rejected_answers(bad):
    with pytest.raises(InputError, match="expected 1-5"):
        parse_answer(bad, where="f")


def test_short_form_rejects_five_answer_words():
    with pytest.raises(InputError, match="unknown answer 'must-be'; expected 1-3"):
        parse_answer("must-be", scale=3)
    with pytest.raises(InputError, match="scale"):
        parse_answer("like", scale=4)


def test_unknown_word_names_file_line_and_field(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("respondent,attribute,functional,dysfunctional\n\n1,Wifi,like,dislike\n2,Wifi,lik,dislike\n",
                    encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_answers(path)
    assert str(info.value) == (f"{path}: line 4: functional: unknown answer 'lik'; expected 1-5 or "
                               "like/must-be/neutral/live-with/dislike (or 喜欢/理应如此/无所谓/能忍受/不喜欢)")


@pytest.mark.parametrize("text,match", [
    ("", "empty file"),
    ("respondent,attribute,functional\n1,a,1\n", "header lacks column.*dysfunctional"),
    ("respondent,attribute,functional,dysfunctional\n", "no answers after the header"),
    ("respondent,attribute,functional,dysfunctional\n1,a,1\n", "line 2: expected 4 fields, got 3"),
    ("respondent,attribute,functional,dysfunctional\n1,a,1,5\n1,a,2,5\n", "line 3: respondent '1' answered"),
    ("respondent,attribute,functional,dysfunctional,importance\n1,a,1,5,high\n", "line 2: importance"),
    ("respondent,attribute,functional,dysfunctional\n1,,1,5\n", "line 2: attribute: must not be empty"),
])
def test_csv_errors(text, match):
    with pytest.raises(FileFormatError, match=match):
        parse_answers_csv(text, source="a.csv")


def test_semicolon_csv_and_column_order(tmp_path):
    text = "Attribute;Dysfunctional;Functional;Respondent\nWifi;不喜欢;喜欢;a\nWifi;5;2;b\n"
    answers = parse_answers_csv(text)
    assert answers.functional.tolist() == [1, 2] and answers.dysfunctional.tolist() == [5, 5]
    with pytest.raises(YouzhiError, match="no such file"):
        read_answers(tmp_path / "missing.csv")


_WORDS = st.sampled_from(["like", "must-be", "neutral", "live-with", "dislike", "1", "5", "喜欢", "x", "", "6",
                          '"', ",", ";", "\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.lists(_WORDS, min_size=0, max_size=6), max_size=8).map(
                     lambda rows: "respondent,attribute,functional,dysfunctional\n"
                     + "\n".join(",".join(r) for r in rows))))
def test_fuzz_csv_only_youzhi_errors(text):
    try:
        answers = parse_answers_csv(text)
    except YouzhiError:
        return
    assert len(answers.functional) == len(answers.respondent) >= 1
    assert set(answers.functional.tolist()) <= {1, 2, 3, 4, 5}


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_spreadsheet_encodings_with_chinese_wordings(tmp_path, encoding):
    # Excel on a Chinese Windows saves "CSV" as GBK; "Unicode text" as UTF-16 with a BOM
    text = "respondent,attribute,functional,dysfunctional\r\n1,保温,理所当然,不喜欢\r\n2,保温,喜欢,能忍受\r\n"
    path = tmp_path / "answers.csv"
    path.write_bytes(text.encode(encoding))
    answers = read_answers(path)
    assert answers.attributes == ("保温",)
    from youzhi.qfd.kano import classify

    # (must-be, dislike) = M and (like, live-with) = A in the Kano evaluation table
    counts = classify(answers).attributes["保温"].counts
    assert (counts["M"], counts["A"]) == (1, 1)


def test_undecodable_csv_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"respondent,attribute,functional,dysfunctional\n1,Caf\xe9,like,dislike\n")
    with pytest.raises(FileFormatError, match=r"answers\.csv: not UTF-8, UTF-16 or GB18030 text.*CSV UTF-8"):
        read_answers(path)
