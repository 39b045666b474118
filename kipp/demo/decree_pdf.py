"""A one-page stand-in for a signed decree, written as a minimal PDF (no renderer: milliseconds).

`text_pdf(lines)` returns a valid PDF 1.4 document of one A4 page that prints `lines` in
Helvetica, top to bottom (at most 60 lines of at most 95 characters; longer ones are cut).
Characters outside Windows-1252 (the font's WinAnsiEncoding) are replaced by "?"; the bytes are
deterministic for given lines.
"""

from __future__ import annotations

MAX_LINES, MAX_CHARS = 60, 95


def _literal(text: str) -> bytes:
    raw = text[:MAX_CHARS].encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(lines: list[str]) -> bytes:
    """The PDF of `lines` (see the module docstring)."""
    body = [b"BT /F1 11 Tf 14 TL 56 780 Td"]
    for n, line in enumerate(lines[:MAX_LINES]):
        body.append((b"" if n == 0 else b"T* ") + _literal(line) + b" Tj")
    body.append(b"ET")
    stream = b"\n".join(body)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
