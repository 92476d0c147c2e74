"""validate never raises on hostile or damaged input, always gives exit 0/1, and is quick."""

from __future__ import annotations

import plistlib
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilegen.validate.pipeline import check_bytes
from tests.conftest import GOLDEN, ROOT

SEEDS = sorted(p for p in GOLDEN.rglob("*") if p.is_file())


CASES = Path(__file__).resolve().parents[2] / "cases"
# One input per path with a one-time cost: the plist XSD compiled on the first XML that is not
# certainly valid, xmlschema's lazy imports on its first error, asn1crypto and cryptography for a
# signed profile (DER and PEM), binary plists, the Entra rules and their URL parsing.
WARM_UP_INPUTS = [
    (b'<plist version="1.0"><dict><key>a</key></dict></plist>', "warm.login.plist"),
    (b'<plist version="1.0"><dict><key>OIDCProvider</key><string>Azure</string><key>X</key><foo/></dict></plist>', "warm.login.plist"),
    ((CASES / "PG111" / "pass-intact-keyid.mobileconfig").read_bytes(), "warm.mobileconfig"),
    (b"-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n", "warm.mobileconfig"),
    (b"\x30\x82" + bytes(60), "warm.mobileconfig"),
    (plistlib.dumps({"OIDCProvider": "Azure", "OIDCTenant": "contoso.onmicrosoft.com", "ROPGScopes": "openid",
                     "OIDCDiscoveryURL": "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration"},
                    fmt=plistlib.FMT_BINARY), "warm.login.plist"),
    (plistlib.dumps({"IdPSettings": {"Provider": "Azure", "DiscoveryURL": "https://[bad"}}), "warm.menubar.plist"),
]


def warm_up_once() -> None:
    for data, name in WARM_UP_INPUTS:
        check_bytes(data, name)


@pytest.fixture(autouse=True, scope="module")
def warm_up():
    """Pay the one-time costs up front: the per-input limit is about the input, not about
    compiling a schema or importing a module the first time (QA1 item 15)."""
    warm_up_once()


def check_quickly(data: bytes, name: str = "x.login.plist") -> None:
    # CPU time of this process, not wall time: on a loaded CI machine wall time measures the
    # neighbours (QA1 item 15 saw 1.56 s wall for 0.25 s of CPU at load 13).
    start = time.process_time()
    result = check_bytes(data, name)
    spent = time.process_time() - start
    assert spent < 1.0, f"took {spent:.2f}s of CPU"
    assert all(f.code.startswith("PG") for f in result.findings)


def test_warm_up_pays_every_one_time_cost():
    """In a fresh process, after warm_up_once no input of the robustness tests compiles the XSD
    or imports a module again."""
    code = (
        "import sys, plistlib\n"
        "from tests.unit.validate.test_robustness import warm_up_once\n"
        "from profilegen.profile.read import plist_schema\n"
        "from profilegen.validate.pipeline import check_bytes\n"
        "warm_up_once()\n"
        "before = set(sys.modules)\n"
        "assert plist_schema.cache_info().currsize == 1\n"
        "for data in (b'<plist version=\"1.0\"><dict><key>OIDCProvider</key><string>Azure</string><key>X</key><foo/></dict></plist>',\n"
        "             open('tests/cases/PG108/fail-signed.mobileconfig', 'rb').read(),\n"
        "             plistlib.dumps({'OIDCProvider': 'Custom', 'HelpURL': 'https://h/?token=x'}, fmt=plistlib.FMT_BINARY)):\n"
        "    check_bytes(data, 'x.login.plist')\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


def mutations(data: bytes, rng: random.Random):
    yield data[: rng.randrange(len(data))]  # truncation
    flipped = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    yield bytes(flipped)
    yield data.replace(b"<key>PayloadVersion</key>", b"<key>PayloadVersion</key><integer>1</integer><key>PayloadVersion</key>", 1)
    yield data.replace(b"<true/>", b"<string>true</string>").replace(b"<integer>1</integer>", b"<string>1</string>")
    yield data.replace(b"<string>", b"<integer>", 1)
    yield data.replace(b"<dict>", b"<array>", 1)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: str(p.relative_to(GOLDEN)))
def test_byte_mutations_of_valid_profiles(path: Path):
    data = path.read_bytes()
    rng = random.Random(path.name)
    for _ in range(15):
        for mutated in mutations(data, rng):
            check_quickly(mutated, path.name)
    binary = plistlib.dumps(plistlib.loads(data), fmt=plistlib.FMT_BINARY)
    for _ in range(30):
        cut = bytearray(binary)
        cut[rng.randrange(8, len(cut))] = rng.randrange(256)
        check_quickly(bytes(cut), path.name)


@pytest.mark.parametrize("wrap", ["array", "dict"])
def test_nesting_ten_thousand_levels(wrap):
    open_, close = (b"<array>", b"</array>") if wrap == "array" else (b"<dict><key>k</key>", b"</dict>")
    xml = b'<plist version="1.0">' + open_ * 10_000 + b"<true/>" + close * 10_000 + b"</plist>"
    result = check_bytes(xml, "deep.login.plist")
    assert [f.code for f in result.findings] == ["PG107"]


def test_binary_nesting_ten_thousand_levels():
    # Hand-built binary plist: object i is a one-element array holding object i+1.
    n = 10_000
    objects = [bytes([0xA1]) + (i + 1).to_bytes(2, "big") for i in range(n)] + [b"\x09"]
    offsets, body = [], b""
    for obj in objects:
        offsets.append(8 + len(body))
        body += obj
    table = b"".join(o.to_bytes(4, "big") for o in offsets)
    trailer = bytes(6) + bytes([4, 2]) + len(objects).to_bytes(8, "big") + (0).to_bytes(8, "big") + (8 + len(body)).to_bytes(8, "big")
    data = b"bplist00" + body + table + trailer
    check_quickly(data)
    assert [f.code for f in check_bytes(data, "deep.login.plist").findings] == ["PG107"]


@pytest.mark.parametrize("levels", [150, 500, 900])
def test_binary_nesting_below_the_recursion_limit(levels):
    value: object = True
    for _ in range(levels):
        value = [value]
    data = plistlib.dumps({"IdPSettings": value}, fmt=plistlib.FMT_BINARY)
    assert [f.code for f in check_bytes(data, "deep.menubar.plist").findings] == ["PG107"]


def test_size_limit():
    big = b'<plist version="1.0"><string>' + b"a" * (5 << 20) + b"</string></plist>"
    assert [f.code for f in check_bytes(big, "big.login.plist").findings] == ["PG105"]


PLIST_VALUES = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20) | st.binary(max_size=10)
    | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
KEYS = st.sampled_from(["OIDCProvider", "OIDCTenant", "OIDCClientID", "IdPSettings", "PayloadContent", "PayloadType",
                        "OIDCScopes", "ROPGScopes", "SignIn", "Forced", "mcx_preference_settings", "PayloadUUID"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS | st.text(max_size=8), PLIST_VALUES, max_size=8), st.sampled_from(["xml", "binary"]))
def test_arbitrary_plists_never_crash(value, fmt):
    try:
        data = plistlib.dumps(value, fmt=plistlib.FMT_XML if fmt == "xml" else plistlib.FMT_BINARY)
    except (ValueError, OverflowError):
        return  # plistlib itself cannot write it (control characters)
    check_quickly(data)


ODD_URLS = st.sampled_from(["https://[bad/x", "https://[::1", "http://", "https://", "://", "https://a:b@", "https://h:99999999/",
                            "api://", "https://login.microsoftonline.com", "\u00e9://x", "https://%zz/"]) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
URL_KEYS = ["OIDCDiscoveryURL", "ROPGDiscoveryURL", "OIDCRedirectURI", "HelpURL", "ChangePasswordURL", "OIDCTenant", "OIDCScopes"]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(URL_KEYS), ODD_URLS, min_size=1), st.sampled_from(["Azure", "EntraID", "Custom"]))
def test_odd_url_values_never_crash(values, provider):
    login = {"OIDCProvider": provider, "OIDCClientID": "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50", **values}
    menubar = {"IdPSettings": {"Provider": provider, "DiscoveryURL": values.get("OIDCDiscoveryURL", "x"),
                               "ChangePasswordURL": values.get("HelpURL", "y")}}
    check_quickly(plistlib.dumps(login), "odd.login.plist")
    check_quickly(plistlib.dumps(menubar), "odd.menubar.plist")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    check_quickly(data)
    check_quickly(b"bplist00" + data)
    check_quickly(b"\x30\x82" + data)
