"""signins --format html (issue 22, point 7): one self-contained page, rendered by a real
headless Chromium; the screenshot must hold the three bar colours, and a page without data
rows must not (so the check can fail)."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from profilegen.entra.daily import COLOURS
from tests.conftest import need

from .conftest import run_cli
from .test_signins_csv import RECORDS, docs_examples, export, signin


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of an 8-bit RGB/RGBA PNG, decoded with zlib alone (RFC 2083)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, kind = 8, [], 0, 0, 0
    while pos < len(data):
        (length,), tag = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            width, height, depth, kind, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and kind in (2, 6) and interlace == 0, (depth, kind, interlace)
        elif tag == b"IDAT":
            idat.append(body)
        pos += 12 + length
    bpp = 4 if kind == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rgb = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        filt, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if filt == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif filt == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif filt == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif filt == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        if bpp == 4:
            rgb += b"".join(bytes(line[i:i + 3]) for i in range(0, stride, 4))
        else:
            rgb += line
        prev = line
    return width, height, bytes(rgb)


def colours_in(rgb: bytes) -> set[str]:
    """Which of the bar colours fill at least 400 pixels: a bar of one sign-in is 12 x 130 pixels
    here, a legend swatch only 12 x 12, so the legend alone cannot pass for a rendered chart."""
    found = set()
    for name, hex_colour in COLOURS.items():
        target = bytes.fromhex(hex_colour[1:])
        hits = _count(rgb, target)
        if hits >= 400:
            found.add(name)
    return found


def _count(rgb: bytes, target: bytes) -> int:
    count, start = 0, 0
    while True:
        i = rgb.find(target, start)
        if i < 0:
            return count
        if i % 3 == 0:
            count += 1
            start = i + 3
        else:
            start = i + 1


def html_of(tmp_path: Path, name: str, records: list[dict[str, object]], *extra: str) -> Path:
    out = tmp_path / f"{name}.html"
    (tmp_path / name).mkdir()
    result = run_cli(["signins", str(export(tmp_path / name, records)), "--format", "html", "--output", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return out


HOSTILE = [
    signin("2026-11-19T08:00:00Z", "<script>alert(1)</script>@contoso.com", 50076),
    signin("2026-11-19T09:00:00Z", "\"><img src=x onerror=alert(2)>", 50126),
    signin("2026-11-20T08:00:00Z", "alex@contoso.com", 0),
    signin("2026-11-20T08:00:00Z", "</svg><a href='http://evil'>x</a>", 0),
    signin("2026-11-20T09:00:00Z", "\u202emoc.osotnoc@nimda", 53003),
]


def test_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    page = html_of(tmp_path, "h", HOSTILE, "--change-date", "2026-11-20").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<a " not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@contoso.com" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    # Nothing to fetch: no URL attributes, no external references besides the SVG namespace.
    assert not re.search(r"<[^>]*\b(src|href)\s*=", page)
    assert re.findall(r"<[^>]*?(https?://[^\s\"'>]+)", page) == ["http://www.w3.org/2000/svg"]
    assert "default-src 'none'" in page
    # Before/after totals: 19 Nov is before (one 50076, one 50126), 20 Nov after (two successes).
    assert "<tr><td>before 2026-11-20</td><td>0</td><td>1</td><td>1</td><td>0</td></tr>" in page
    assert "<tr><td>after 2026-11-20</td><td>2</td><td>0</td><td>0</td><td>1</td></tr>" in page
    # A right-to-left override in a name stays inside its cell (bdi isolates it).
    assert "<tr><td><bdi>\u202emoc.osotnoc@nimda</bdi></td><td>0</td><td>0</td><td>0</td><td>1</td></tr>" in page
    assert page.count('stroke-dasharray="6 4"') == 1 and "change 2026-11-20" in page


def test_lone_surrogate_and_no_change_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"value": [{"createdDateTime": "2026-11-19T08:00:00Z", "userPrincipalName": "a\\ud800<b", '
                    '"appDisplayName": "Jamf Connect", "status": {"errorCode": 0}}]}', encoding="utf-8")
    result = run_cli(["signins", str(path), "--format", "html"])
    assert result.exit_code == 0, result.stderr
    assert "<td><bdi>a\\ud800&lt;b</bdi></td>" in result.stdout and "stroke-dasharray" not in result.stdout


def test_chromium_renders_the_chart(tmp_path: Path) -> None:
    chromium = need("chromium", "apt-get install chromium")
    full = html_of(tmp_path, "full", RECORDS, "--change-date", "2026-11-20")
    empty = html_of(tmp_path, "empty", [signin("2026-11-20T08:00:00Z", "x@contoso.com", 0, app="Outlook")])
    assert "No Jamf Connect sign-ins" in empty.read_text(encoding="utf-8")
    # One browser start: a frame page shows both reports side by side; the left half must hold
    # every bar colour, the right half (the page without data rows) none of them.
    frame = tmp_path / "frame.html"
    frame.write_text(f'<!DOCTYPE html><body style="margin:0"><iframe src="{full.name}" style="position:absolute;left:0;top:0;width:600px;height:900px;border:0"></iframe>'
                     f'<iframe src="{empty.name}" style="position:absolute;left:600px;top:0;width:600px;height:900px;border:0"></iframe></body>', encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run", "--force-color-profile=srgb",
                           "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900",
                           f"--screenshot={shot}", frame.as_uri()], capture_output=True, timeout=60)
    assert done.returncode == 0 and shot.is_file(), done.stderr.decode(errors="replace")[-2000:]
    width, height, rgb = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    half = width // 2 * 3
    left = b"".join(rgb[y * width * 3:y * width * 3 + half] for y in range(height))
    right = b"".join(rgb[y * width * 3 + half:(y + 1) * width * 3] for y in range(height))
    assert colours_in(left) == set(COLOURS)
    assert colours_in(right) == set()


def test_docs_html_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.entra.test_signins import write_csv

    (args,) = docs_examples("html")
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / args[2], [
        ("2026-11-19T08:00:00Z", "alex@contoso.com", "app", "Jamf Connect", 50076, "Strong authentication is required."),
        ("2026-11-20T08:05:00Z", "kim@contoso.com", "app", "Jamf Connect", 50126, "Invalid username or password."),
    ])
    done = run_cli(args[1:])
    assert done.exit_code == 0, done.stderr
    page = (tmp_path / "signins.html").read_text(encoding="utf-8")
    assert "<td><bdi>kim@contoso.com</bdi></td><td>0</td><td>0</td><td>1</td><td>0</td>" in page
    assert "<tr><td>before 2026-11-20</td><td>0</td><td>1</td><td>0</td><td>0</td></tr>" in page
