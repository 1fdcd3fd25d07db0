"""Read files into ``Document`` values: decoding, HTML text extraction, and rejection of
what is not an article (binary, empty, too large), each with a reason a user can act on."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from rag.errors import InputError
from rag.types import Document

SUFFIXES = (".txt", ".md", ".html", ".htm")
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (a BOM is kept as a character so offsets match the file),
    else Windows-1251 when that yields Cyrillic text; otherwise an ``InputError``."""
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        letters = sum(ch.isalpha() for ch in text)
        if letters and len(_CYRILLIC.findall(text)) / letters > 0.5:
            return text
        raise InputError(f"{name}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page; scripts, styles and other non-content dropped."""

    SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "nav", "footer", "aside", "form"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "header", "blockquote", "figcaption", "ul", "ol", "table", "title", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of a page: one line per block, whitespace inside lines collapsed."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    body = "\n".join(line for line in lines if line)
    title = " ".join(parser.title.split())
    if title and not body.startswith(title):
        body = title + "\n" + body
    return body


_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def safe_source_name(name: str) -> str:
    """The name an uploaded file is stored under: its last path component only (``/`` and ``\\``
    both count as separators), control characters removed, Unicode kept. A name that is nothing
    but dots or separators is an ``InputError``; no source name can point outside its collection."""
    base = re.split(r"[/\\]", _UNSAFE_NAME_CHARS.sub("", name))[-1].strip()
    if not base.strip("."):
        raise InputError(f"{name!r}: not a usable file name")
    return base[:255]


def read_document(path: Path, name: str | None = None, max_bytes: int | None = None) -> Document:
    """Read one file. Offsets of quotes refer to ``Document.text``: the file's own text for
    .txt/.md, the extracted text for HTML (markup has no sentences to quote). A file over
    ``max_bytes`` is rejected from its size alone, before any of it is read."""
    name = name or path.name
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{name}: unsupported file type {path.suffix or '(none)'}; use {', '.join(SUFFIXES)}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        mb = 1024 * 1024
        raise InputError(f"{name}: {size / mb:.1f} MB is over the {max_bytes / mb:g} MB limit for one article "
                         "(RAG_MAX_FILE_MB); split it into articles")
    text = decode(path.read_bytes(), name)
    kind = "text"
    if path.suffix.lower() in (".html", ".htm"):
        text, kind = html_to_text(text), "html"
    if not text.strip("\ufeff \t\r\n"):
        raise InputError(f"{name}: empty (no text)")
    return Document(source=name, text=text, kind=kind)


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest under ``paths`` (files as given, folders recursively, sorted). Hidden
    files are left out; files of other types are kept so that each gets its own rejection line."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden:
                    yield child
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder")
