import pytest

from rag.errors import InputError
from rag.ingest.reader import read_document


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_and_whitespace_files_are_rejected(tmp_path):
    for data in (b"", b"  \n\t\r\n"):
        with pytest.raises(InputError, match="empty"):
            read_document(write(tmp_path, "e.txt", data))


def test_binary_is_rejected(tmp_path):
    with pytest.raises(InputError, match="binary"):
        read_document(write(tmp_path, "x.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))


def test_unsupported_suffix_is_rejected(tmp_path):
    with pytest.raises(InputError, match="unsupported file type"):
        read_document(write(tmp_path, "x.pdf", b"%PDF"))


def test_cp1251_ukrainian_is_decoded(tmp_path):
    doc = read_document(write(tmp_path, "c.txt", "Міністр оборони провів зустріч.".encode("cp1251")))
    assert doc.text == "Міністр оборони провів зустріч."


def test_invalid_utf8_that_is_not_cyrillic_is_rejected(tmp_path):
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_document(write(tmp_path, "b.txt", b"abc \xff\xfe\xfa def ghi"))


def test_bom_is_kept_so_offsets_match_the_file(tmp_path):
    doc = read_document(write(tmp_path, "bom.txt", "\ufeffТекст.".encode("utf-8")))
    assert doc.text.startswith("\ufeff")


def test_html_text_is_extracted_without_scripts(tmp_path):
    html = b"<html><head><title>T</title><script>alert(1)</script></head><body><p>One &amp; two.</p><style>p{}</style></body></html>"
    doc = read_document(write(tmp_path, "p.html", html))
    assert doc.kind == "html" and "alert" not in doc.text and "One & two." in doc.text


def test_size_limit(tmp_path):
    with pytest.raises(InputError, match="limit"):
        read_document(write(tmp_path, "big.txt", b"a" * 2000), max_bytes=1000)
