"""Bytes in: the content of a path, bytes or upload; gzip unpacked within limits; text encodings detected and
decoded to UTF-8; files of another kind (archives, images, documents) recognised by their first bytes.

Part of reading a transactions file (``core.pipeline.load``).
"""

from __future__ import annotations

import glob
import os
import zlib
from pathlib import Path
from typing import BinaryIO

from core.config import MAX_UPLOAD_MB, MAX_UPLOAD_ROWS
from core.errors import DataError

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO


# A gzip upload may unpack to far more than the upload limit; stop before it exhausts memory. Twice the
# upload limit holds MAX_UPLOAD_ROWS rows of the real schema (about 65 bytes a row) with room to spare.
SNIFF_BYTES = 64 * 1024
MAX_UNPACKED_BYTES = 2 * MAX_UPLOAD_MB * 1024 * 1024


GZIP_CHUNK_BYTES = 16 * 1024 * 1024  # unpacked in pieces of this size, so the limits apply while unpacking


WIDE_NUL_SHARE = 0.9  # UTF-16/32 text without a BOM: the share of NUL bytes at the positions that hold them


MAX_CONTROL_SHARE = 0.01  # text files hold almost no control characters; random or binary data holds ~10%


BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


def read_source_bytes(source: Source) -> bytes:
    """The whole content of a path, bytes object or binary file-like (e.g. a Streamlit UploadedFile)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise DataError(f"cannot open the file '{source}': {exc.strerror or exc}") from exc
    if hasattr(source, "getvalue"):  # BytesIO and Streamlit's UploadedFile: no need to mind the read position
        content = source.getvalue()
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        content = source.read()
    else:
        raise TypeError(f"cannot read transactions from a {type(source).__name__}; pass a path, bytes or a file")
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def source_label(source: Source, name: str | None) -> str:
    """The file name used in messages ('' when unknown)."""
    if name:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return str(getattr(source, "name", "") or "")


def fail(label: str, message: str) -> DataError:
    """A DataError whose message starts with the file name when there is one."""
    return DataError(f"{label}: {message}" if label else message)


def unpack_gzip(data: bytes, label: str, max_rows: int = MAX_UPLOAD_ROWS) -> bytes:
    """Decompress gzip data (several members allowed), refusing archives that unpack to more than the limit.

    Lines are counted while unpacking: once a CSV without quotes (where every line break ends a row) has more
    lines than the header plus ``max_rows``, it is refused there, before the rest is unpacked and parsed.
    """
    parts: list[bytes] = []
    size = lines = 0
    quoted = False
    rest = data
    try:
        while rest:
            unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while not unpacker.eof:
                chunk = unpacker.decompress(pending, GZIP_CHUNK_BYTES)
                pending = unpacker.unconsumed_tail
                if not chunk and not pending:
                    break
                size += len(chunk)
                parts.append(chunk)
                if size > MAX_UNPACKED_BYTES:
                    raise fail(
                        label,
                        f"the compressed file unpacks to more than {MAX_UNPACKED_BYTES // 2**20:,} "
                        "MB; upload a smaller extract",
                    )
                lines += chunk.count(b"\n")
                quoted = quoted or b'"' in chunk or parts[0].startswith(b"PAR1")
                if not quoted and lines > max_rows + 1:
                    raise fail(
                        label,
                        f"the compressed file holds more than {max_rows + 1:,} lines, more than the "
                        f"limit of {max_rows:,} rows; upload a smaller extract (for example one "
                        "quarter of transactions)",
                    )
            if not unpacker.eof:
                raise fail(label, "the gzip file is cut short or damaged; compress the CSV again and re-upload")
            rest = unpacker.unused_data.lstrip(b"\x00")  # gzip writers may pad members with zeros
    except zlib.error as exc:
        raise fail(label, "the gzip file is damaged and cannot be unpacked; compress the CSV again") from exc
    return b"".join(parts)


def describe_binary(data: bytes) -> str | None:
    """What kind of non-text file the bytes look like, or None when they may be text."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            if kind == "a ZIP archive" and b"xl/" in data[:SNIFF_BYTES]:
                return "an Excel workbook (.xlsx)"
            return kind
    if b"\x00" in data:
        return "data with NUL bytes"
    return None


def binary_error(label: str, kind: str) -> DataError:
    """The message for a file that is not text: say what it looks like and how to get a CSV."""
    return fail(
        label,
        f"the file is not a CSV or Parquet file: it looks like binary data ({kind}); "
        "export it as CSV (in Excel: File > Save As > CSV UTF-8) and upload that",
    )


def detect_wide_encoding(data: bytes) -> str | None:
    """'utf-32' / 'utf-16' with a BOM, or their byte order detected from the NUL pattern of mostly-ASCII text.

    Text in UTF-16 has a NUL in every other byte (every 4 bytes hold 2 NULs), UTF-32 in three bytes of four;
    which bytes tell the byte order. None for anything else.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
    sample = data[: min(len(data), SNIFF_BYTES) // 4 * 4]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    share = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    nul = [x >= WIDE_NUL_SHARE for x in share]
    text = [x <= 1 - WIDE_NUL_SHARE for x in share]
    patterns = {
        "utf-32-le": (text[0], nul[1], nul[2], nul[3]),
        "utf-32-be": (nul[0], nul[1], nul[2], text[3]),
        "utf-16-le": (text[0], nul[1], text[2], nul[3]),
        "utf-16-be": (nul[0], text[1], nul[2], text[3]),
    }
    return next((codec for codec, ok in patterns.items() if all(ok)), None)


def decode_to_utf8(data: bytes, label: str) -> bytes:
    """UTF-8 bytes of the text (BOM removed): UTF-8 kept as is; UTF-16, UTF-32 and Windows-1252 converted."""
    wide = detect_wide_encoding(data)
    if wide:
        try:
            text = data.decode(wide).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise fail(
                label,
                f"the file looks like {wide.upper()[:6]} text but cannot be decoded (UTF-16/32 is "
                "only read when complete): save it as CSV UTF-8 and upload that",
            ) from exc
        if has_many_control_chars(text[:SNIFF_BYTES]):
            raise binary_error(label, "unreadable characters")
        return text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    kind = describe_binary(data)
    if kind:
        raise binary_error(label, kind)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = decode_legacy(data)
        data = text.encode("utf-8")
    if has_many_control_chars(text[:SNIFF_BYTES]):
        raise binary_error(label, "unreadable characters")
    return data


def decode_legacy(data: bytes) -> str:
    """Windows-1252 (what Excel writes on Western Windows), else Latin-1, which can decode any byte."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def has_many_control_chars(sample: str) -> bool:
    """True when more than 1% of the characters are control characters other than tab and line breaks."""
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > MAX_CONTROL_SHARE * len(sample)


def is_link(source: Source) -> bool:
    """True for a path that is a symbolic link: its target may be any file, so errors never quote its lines."""
    return isinstance(source, (str, os.PathLike)) and Path(source).is_symlink()


SUFFIXES = (".csv", ".csv.gz", ".gz", ".parquet", ".txt", ".tsv")  # the data files of a folder of parts


def resolve_files(source: str) -> list[Path]:
    """The input files: one file, every data file of a folder, or the files a glob matches (sorted)."""
    path = Path(source)
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(SUFFIXES))
    else:
        files = sorted(Path(p) for p in glob.glob(source) if Path(p).is_file())
    if not files:
        raise DataError(f"input '{source_label(source, None)}' is not a file and no CSV or Parquet files match it")
    return files
