"""Reading user files with errors that name the file and the line.

Examples
--------
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "p.toml")
>>> _ = open(path, "w").write("seed = 1\\n")
>>> load_toml(path)
{'seed': 1}
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from typing import Any

from youzhi.errors import DataFileError, FileFormatError


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file; a missing or unreadable file is a :class:`DataFileError`."""
    p = os.fspath(path)
    try:
        with open(p, encoding="utf-8-sig") as fh:
            return fh.read()
    except FileNotFoundError:
        raise DataFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{p}: is a directory, expected a file") from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise DataFileError(f"{p}: cannot read ({exc.strerror})") from None


def read_csv_text(path: str | os.PathLike[str]) -> str:
    """Read a CSV file as spreadsheets save it, in one of the encodings they use.

    UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK (what Excel on a Chinese
    Windows writes for "CSV"); nothing is guessed past that.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> _ = open(path, "wb").write("属性,功能\\n".encode("gbk"))
    >>> read_csv_text(path)
    '属性,功能\\n'
    """
    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DataFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{p}: is a directory, expected a file") from None
    except OSError as exc:
        raise DataFileError(f"{p}: cannot read ({exc.strerror})") from None
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            error = exc
    raise FileFormatError(f"{p}: not UTF-8, UTF-16 or GB18030 text (byte {error.start}); "
                          "save the sheet as 'CSV UTF-8'") from None


def csv_rows(text: str, source: str) -> list[list[str]]:
    """Split CSV ``text`` into rows of cells, the delimiter sniffed among ``,`` ``;`` and tab
    (spreadsheets in many locales save with ``;``); a malformed file names ``source``.

    Examples
    --------
    >>> csv_rows("a;b\\n1;2\\n", "x.csv")
    [['a', 'b'], ['1', '2']]
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise FileFormatError(f"{source}: malformed CSV: {exc}") from None


def load_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and column."""
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{os.fspath(path)}: malformed TOML: {exc}") from None
