"""A fake Jamf Pro on 127.0.0.1, written from ../shared/reference/jamf-pro-api.md.

Each imitated behaviour names its section of the reference (which names the public source).
Knobs on FakeJamf switch on the failure modes the tests need.
"""

from __future__ import annotations

import base64
import json
import plistlib
import re
import secrets
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from xml.sax.saxutils import escape

MCX = "com.apple.ManagedClient.preferences"
CLIENT_ID = "7c1a7f3e-1b2c-4d5e-8f90-a1b2c3d4e5f6"
CLIENT_SECRET = "Kx9&q+Z/p w=\"sEcReT\"ü"  # &, +, /, space, = and a quote: every encoding shows
USERNAME = "api-user"
PASSWORD = "Pa55&word/ü"
ALL_PRIVILEGES = frozenset({"Create macOS Configuration Profiles", "Read macOS Configuration Profiles",
                            "Update macOS Configuration Profiles", "Read Categories", "Read Smart Computer Groups",
                            "Read Static Computer Groups"})
# The scope's categories as the Classic API spells them: (path, list element, item element).
# Targets, limitations and exclusions (jamf/Classic-API-Postman-Collection; the osxconfiguration-
# profiles scope structs of deploymenttheory/go-api-sdk-jamfpro). Written here on its own, not
# imported from profilegen, so a wrong name in profilegen is caught by the fake.
CATEGORIES = tuple((f"{head}{lst}", lst, item) for head, pairs in (
    ("", (("computers", "computer"), ("computer_groups", "computer_group"), ("buildings", "building"),
          ("departments", "department"), ("jss_users", "user"), ("jss_user_groups", "user_group"))),
    ("limitations.", (("users", "user"), ("user_groups", "user_group"), ("network_segments", "network_segment"),
                      ("ibeacons", "ibeacon"))),
    ("exclusions.", (("computers", "computer"), ("computer_groups", "computer_group"), ("buildings", "building"),
                     ("departments", "department"), ("users", "user"), ("user_groups", "user_group"),
                     ("network_segments", "network_segment"), ("ibeacons", "ibeacon"), ("jss_users", "user"),
                     ("jss_user_groups", "user_group"))),
) for lst, item in pairs)
ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def jamf_decode(text: str) -> str:
    """Reference §3 (PI-827; Jamf-Concepts/jamf-cli PRs #310/#311): Jamf Pro entity-decodes the
    text of <payloads> once more than XML says."""
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return NAMED[name]
    return ENTITY.sub(one, text)


def _map_strings(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    return value


def _has_emoji(value: Any) -> bool:
    if isinstance(value, str):
        return any(ord(c) > 0xFFFF for c in value)
    if isinstance(value, dict):
        return any(_has_emoji(k) or _has_emoji(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_emoji(v) for v in value)
    return False


@dataclass
class Profile:
    id: int
    name: str
    uuid: str
    payloads: str
    category: str = "No category assigned"
    description: str = ""
    distribution_method: str = "Install Automatically"
    redeploy: str = "Newly Assigned"
    all_computers: bool = False
    all_jss_users: bool = False
    # Every scope category, as the JSON lists it: {"computer_groups": [{"id", "name"}], ...,
    # "exclusions.computer_groups": [...]} (paths as in profilegen.jamf.scope.CATEGORIES).
    scope: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def groups(self) -> list[str]:
        return [g["name"] for g in self.scope.get("computer_groups", [])]


@dataclass
class FakeJamf:
    base: str = ""
    profiles: dict[int, Profile] = field(default_factory=dict)
    next_id: int = 1
    tokens: set[str] = field(default_factory=set)
    issued: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    bodies: list[bytes] = field(default_factory=list)
    privileges: frozenset[str] = ALL_PRIVILEGES
    categories: set[str] = field(default_factory=lambda: {"Jamf Connect"})
    groups: set[str] = field(default_factory=lambda: {"Engineering Macs", "Sales Macs", "Finance Pilot Macs", "All Staff",
                                                      "Kiosk Macs"})
    # The other objects a scope can name, by item element: {id: name}.
    directory: dict[str, dict[int, str]] = field(default_factory=lambda: {
        "computer": {1: "Kiosk-01", 2: "Lab-07"}, "building": {1: "HQ"}, "department": {1: "Finance"},
        "user": {1: "alice"}, "user_group": {1: "Staff"}, "network_segment": {1: "Lab LAN"}, "ibeacon": {1: "Lobby"}})
    expire_after: int | None = None  # API calls a token is good for (a token expiring mid-run)
    throttle: int = 0  # answer this many API calls with 429 + Retry-After
    retry_after: str = "2"
    gateway: int = 0  # answer this many API calls with 502
    fail_500: set[str] = field(default_factory=set)  # names whose writes answer 500
    delay: float = 0.0  # seconds before each API answer (a slow server)
    reset: int = 0  # close this many connections without an answer
    listed_only: set[str] = field(default_factory=set)  # groups listed but gone when a profile is written
    garbage: bytes | None = None  # the body of every GET answer (a proxy page, a broken server)
    echo: bool = False  # a misbehaving server that echoes the credentials and token in its errors
    unlisted: set[str] = field(default_factory=set)  # names the list leaves out (created after it was read)
    mask_inner: bool = False  # also replace inner PayloadUUID/Identifier (jamfplatform PR #154)
    drop_on_write: set[str] = field(default_factory=set)  # scope categories a broken server loses on write
    answers: dict[str, Any] = field(default_factory=dict)  # hostile answers: see _hostile
    # Answer every request whose path starts with this (the token's path included) with a 302
    # to redirect_to: a load balancer or SSO front end at the --url given.
    redirect: str | None = None
    redirect_to: str = "https://login.example.com/sso?next=/"
    lock: threading.Lock = field(default_factory=threading.Lock)
    uses: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, payloads: str, **extra: Any) -> Profile:
        p = Profile(self.next_id, name, str(uuid.uuid4()).upper(), payloads, **extra)
        self.profiles[p.id] = p
        self.next_id += 1
        return p

    def known(self, item: str) -> dict[int, str]:
        """Objects of one kind by id; computer groups get the ids their list shows."""
        if item == "computer_group":  # ids as the group list numbers them; listed_only groups are gone
            return {i: n for i, n in enumerate(sorted(self.groups | self.listed_only), 1) if n in self.groups}
        return self.directory.get(item, {})

    def set_scope(self, profile: Profile, path: str, names: list[str]) -> None:
        """A change made "in the web page": one category of one profile, by names."""
        item = next(i for p, _, i in CATEGORIES if p == path)
        ids = {n: i for i, n in self.known(item).items()}
        profile.scope[path] = [{"id": ids[n], "name": n} for n in names]

    def by_name(self, name: str) -> Profile | None:
        return next((p for p in self.profiles.values() if p.name == name), None)

    def writes(self, method: str) -> list[str]:
        return [path for m, path in self.requests if m == method and path.startswith("/JSSResource")]

    # Reference §3: what Jamf Pro does to an uploaded profile.
    def store(self, name: str, wire_text: str, profile_uuid: str) -> str | None:
        """Stored payloads, or None for the 409 "Unable to update the database"."""
        decoded = jamf_decode(wire_text)
        try:
            doc = plistlib.loads(decoded.encode("utf-8"))
        except Exception:  # noqa: BLE001 - a bare & or < after the extra decoding
            return None
        strip = lambda s: s.replace("\n", "").replace("\t", "")  # noqa: E731
        for key in [k for k in doc if k != "PayloadContent"]:
            doc[key] = _map_strings(doc[key], strip)  # white space deleted outside PayloadContent
        for payload in doc.get("PayloadContent", []):
            if payload.get("PayloadType") == MCX:
                for body in payload.get("PayloadContent", {}).values():
                    for entries in body.values():
                        for entry in entries:
                            if _has_emoji(entry.get("mcx_preference_settings")):
                                del entry["mcx_preference_settings"]  # emoji drop the whole dictionary
            else:
                # Non-MCX payloads keep one entity layer and lose their line feeds and tabs.
                for key in list(payload):
                    payload[key] = _map_strings(payload[key], lambda s: strip(escape(s)))
            if self.mask_inner:
                payload["PayloadUUID"] = payload["PayloadIdentifier"] = str(uuid.uuid4()).upper()
        # Identity: top-level UUID and identifier become general/uuid, the display name general/name.
        doc["PayloadUUID"] = doc["PayloadIdentifier"] = profile_uuid
        doc["PayloadDisplayName"] = name
        return plistlib.dumps(doc).decode("utf-8")


def _scope_json(p: Profile) -> dict[str, Any]:
    scope: dict[str, Any] = {"all_computers": p.all_computers, "all_jss_users": p.all_jss_users,
                             "limitations": {}, "exclusions": {}}
    for path, _, _ in CATEGORIES:
        head, _, tail = path.rpartition(".")
        (scope[head] if head else scope)[tail] = [dict(m) for m in p.scope.get(path, [])]
    return scope


def _profile_json(p: Profile, answers: dict[str, Any]) -> dict[str, Any]:
    """Reference §4: GET …/id/{id} with Accept: application/json."""
    general = {"id": p.id, "name": p.name, "description": p.description, "site": {"id": -1, "name": "None"},
               "category": {"id": -1 if p.category == "No category assigned" else 1, "name": p.category},
               "distribution_method": p.distribution_method, "user_removable": False, "level": "computer",
               "uuid": p.uuid, "redeploy_on_update": p.redeploy, "payloads": p.payloads}
    # A hostile or broken server: answers["general.id"] = [1] replaces that field in every answer.
    general.update({k.removeprefix("general."): v for k, v in answers.items() if k.startswith("general.")})
    return {"os_x_configuration_profile": {"general": general, "scope": answers.get("scope", _scope_json(p))}}


def _profile_xml(p: Profile) -> bytes:
    groups = "".join(f"<computer_group><name>{escape(str(g))}</name></computer_group>" for g in p.groups)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><os_x_configuration_profile><general><id>{p.id}</id>"
            f"<name>{escape(p.name)}</name><uuid>{p.uuid}</uuid><category><name>{escape(p.category)}</name></category>"
            f"<payloads>{escape(p.payloads)}</payloads></general><scope><all_computers>{str(p.all_computers).lower()}"
            f"</all_computers><computer_groups>{groups}</computer_groups></scope></os_x_configuration_profile>").encode()


def handler(fake: FakeJamf) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes | dict[str, Any] = b"", ctype: str = "application/xml",
                  headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode() if isinstance(body, dict) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if isinstance(body, dict) else ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _error(self, status: int, text: str) -> None:
            # The Classic API answers errors as a small HTML page (JamfUploader parses <p>).
            self._send(status, f"<html><body><p>Error: {escape(text)}</p></body></html>".encode(), "text/html")

        def do_POST(self) -> None:
            self._route("POST")

        def do_GET(self) -> None:
            self._route("GET")

        def do_PUT(self) -> None:
            self._route("PUT")

        def _route(self, method: str) -> None:
            path = self.path
            body = self._body()
            with fake.lock:
                fake.requests.append((method, path))
                fake.bodies.append(body)
            if fake.redirect is not None and path.startswith(fake.redirect):
                return self._send(302, b"", headers={"Location": fake.redirect_to})
            if path == "/api/oauth/token" and method == "POST":
                return self._oauth(body)
            if path == "/api/v1/auth/token" and method == "POST":
                return self._basic()
            if path == "/api/v1/auth/invalidate-token":
                fake.tokens.discard(self._bearer() or "")
                return self._send(204)
            if path in ("/JSSResource/categories", "/JSSResource/computergroups") and method == "GET":
                return self._lists(path)
            if not path.startswith("/JSSResource/osxconfigurationprofiles"):
                return self._error(404, "The server has not found anything matching the request URI")
            with fake.lock:
                if fake.reset > 0:
                    fake.reset -= 1
                    self.close_connection = True
                    self.connection.shutdown(2)  # an answerless hang-up: a connection reset
                    return None
                if fake.throttle > 0:
                    fake.throttle -= 1
                    return self._send(429, b"", headers={"Retry-After": fake.retry_after})
                if fake.gateway > 0:
                    fake.gateway -= 1
                    return self._send(502, b"<html>502 Bad Gateway</html>", "text/html")
            if fake.delay:
                time.sleep(fake.delay)
            token = self._bearer()
            # Reference §1: Authorization: Bearer on every call, Classic API included.
            if token is None or token not in fake.tokens:
                return self._error(401, "The request requires user authentication")
            with fake.lock:
                fake.uses[token] = fake.uses.get(token, 0) + 1
                if fake.expire_after is not None and fake.uses[token] >= fake.expire_after:
                    fake.tokens.discard(token)  # this call is the token's last
            need = {"GET": "Read", "POST": "Create", "PUT": "Update"}[method] + " macOS Configuration Profiles"
            if need not in fake.privileges:
                return self._error(403, "You do not have access to this resource")
            rest = path[len("/JSSResource/osxconfigurationprofiles"):]
            if method == "GET":
                return self._get(rest)
            return self._write(method, rest, body)

        def _lists(self, path: str) -> None:
            # Classic API lists (PixarAnimationStudios/ruby-jss category.rb, computer_group.rb):
            # {"categories": [{id, name}]}, {"computer_groups": [{id, name, is_smart}]}.
            if self._bearer() not in fake.tokens:
                return self._error(401, "The request requires user authentication")
            if path.endswith("categories"):
                if "Read Categories" not in fake.privileges:
                    return self._error(403, "You do not have access to this resource")
                return self._send(200, {"categories": [{"id": i, "name": n} for i, n in enumerate(sorted(fake.categories), 1)]})
            if not {"Read Smart Computer Groups", "Read Static Computer Groups"} <= fake.privileges:
                return self._error(403, "You do not have access to this resource")
            names = sorted(fake.groups | fake.listed_only)
            groups = [{"id": i, "name": n, "is_smart": i % 2 == 0} for i, n in enumerate(names, 1)]
            return self._send(200, {"computer_groups": groups})

        def _scope(self, element: ET.Element | None) -> tuple[Any, str | None]:
            """(all_computers, all_jss_users, categories) of a sent <scope>, or the 409 Jamf Pro
            answers for an object it does not know (reference §3 [inf: 409])."""
            if element is None:
                return None, None
            lists: dict[str, list[dict[str, Any]]] = {}
            for path, lst, item in CATEGORIES:
                head = path.rpartition(".")[0]
                parent = element.find(head) if head else element
                found = parent.find(lst) if parent is not None else None
                known = fake.known(item)
                members = []
                for node in found.findall(item) if found is not None else []:
                    ident, name = node.findtext("id"), node.findtext("name")
                    if ident is not None and ident.strip().isdigit() and int(ident) in known:
                        members.append({"id": int(ident), "name": known[int(ident)]})
                    elif ident is None and name in known.values():
                        members.append({"id": next(i for i, n in known.items() if n == name), "name": name})
                    else:
                        thing = "computer group" if item == "computer_group" else item.replace("_", " ")
                        return None, f"Problem with {thing} in scope: {name if name is not None else ident}"
                if members:
                    lists[path] = members
            flags = [element.findtext(k) == "true" for k in ("all_computers", "all_jss_users")]
            return (flags[0], flags[1], lists), None

        def _bearer(self) -> str | None:
            auth = self.headers.get("Authorization", "")
            return auth[7:] if auth.startswith("Bearer ") else None

        def _issue(self) -> str:
            token = "eyJ" + secrets.token_urlsafe(24)
            fake.tokens.add(token)
            fake.issued.append(token)
            return token

        def _oauth(self, body: bytes) -> None:
            # Reference §1: POST /api/oauth/token, form-encoded client credentials.
            form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
            ok = (form.get("grant_type") == ["client_credentials"] and form.get("client_id") == [CLIENT_ID]
                  and form.get("client_secret") == [CLIENT_SECRET])
            if not ok:
                return self._send(401, {"error": "invalid_client"})
            self._send(200, {"access_token": self._issue(), "scope": "api-role:2", "token_type": "Bearer",
                                 "expires_in": fake.answers.get("expires_in", 599)})

        def _basic(self) -> None:
            # Reference §1: POST /api/v1/auth/token with HTTP basic auth → {"token","expires"}.
            auth = self.headers.get("Authorization", "")
            pair = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
            if pair != f"{USERNAME}:{PASSWORD}":
                return self._send(401, {"httpStatus": 401, "errors": []})
            self._send(200, {"token": self._issue(), "expires": "2026-12-01T00:30:00.000Z"})

        def _get(self, rest: str) -> None:
            if fake.garbage is not None:
                return self._send(200, fake.garbage, "application/json")
            wants_json = "application/json" in self.headers.get("Accept", "")
            if rest == "":
                # Reference §2: the list, JSON with Accept: application/json, XML by default.
                items = [{"id": p.id, "name": p.name} for p in fake.profiles.values() if p.name not in fake.unlisted]
                if wants_json:
                    return self._send(200, {"os_x_configuration_profiles": fake.answers.get("list", items)})
                xml = "".join(f"<os_x_configuration_profile><id>{i['id']}</id><name>{escape(str(i['name']))}</name>"
                              "</os_x_configuration_profile>" for i in items)
                return self._send(200, f"<os_x_configuration_profiles><size>{len(items)}</size>{xml}</os_x_configuration_profiles>".encode())
            kind, _, key = rest.lstrip("/").partition("/")
            if kind == "id" and key.isdigit():
                profile = fake.profiles.get(int(key))
            elif kind == "name":
                profile = fake.by_name(urllib.parse.unquote(key))
            else:
                profile = None
            if profile is None:
                return self._error(404, "The server has not found anything matching the request URI")
            return self._send(200, _profile_json(profile, fake.answers)) if wants_json else self._send(200, _profile_xml(profile))

        def _write(self, method: str, rest: str, body: bytes) -> None:
            root = ET.fromstring(body)
            general = root.find("general")
            name = general.findtext("name") if general is not None else None
            if fake.echo:
                secret = urllib.parse.quote_plus(CLIENT_SECRET)
                return self._error(409, f"{self.headers.get('Authorization')} / {CLIENT_SECRET.upper()} / {secret} \x1b[2J")
            if name in fake.fail_500:
                return self._error(500, "Internal Server Error")
            if method == "POST":
                if rest != "/id/0":
                    return self._error(409, "Use id 0 to create")
                target = None
            else:
                target = fake.profiles.get(int(rest.removeprefix("/id/"))) if rest.startswith("/id/") else None
                if target is None:
                    return self._error(404, "The server has not found anything matching the request URI")
            name = name if name is not None else (target.name if target else "")
            clash = fake.by_name(name)
            if clash is not None and clash is not target:
                return self._error(409, "Duplicate name")  # reference §3 [inf: 409]
            category = root.findtext("general/category/name")
            if category is not None and category not in fake.categories:
                return self._error(409, "Problem with category")
            scope, problem = self._scope(root.find("scope"))
            if problem:
                return self._error(409, problem)
            profile_uuid = target.uuid if target else str(uuid.uuid4()).upper()
            wire = root.findtext("general/payloads")
            stored = fake.store(name, wire, profile_uuid) if wire is not None else (target.payloads if target else None)
            if stored is None:
                return self._error(409, "Unable to update the database")
            with fake.lock:
                if target is None:
                    target = fake.add(name, stored)
                    target.uuid = profile_uuid
                target.name, target.payloads = name, stored
                if category is not None:
                    target.category = category
                for tag, attr in (("description", "description"), ("distribution_method", "distribution_method"),
                                  ("redeploy_on_update", "redeploy")):
                    value = root.findtext(f"general/{tag}")
                    if value is not None:
                        setattr(target, attr, value)
                if scope is not None:
                    # The 2026 crud.go of Jamf-Concepts/terraform-provider-jamfplatform (reference
                    # jamf-pro-api.md, "2026 update"): a sent <scope> replaces the whole subtree;
                    # every category left out (targets, limitations, exclusions) is emptied.
                    # [inf] an omitted all_computers/all_jss_users is read as false.
                    target.all_computers, target.all_jss_users, target.scope = scope
                for path in fake.drop_on_write:
                    target.scope.pop(path, None)
                if fake.answers.get("drop_last") in target.scope:
                    target.scope[fake.answers["drop_last"]].pop()
            # Reference §2: create and update both answer 201 with the id.
            created = fake.answers.get("created_id", target.id) if method == "POST" else target.id
            self._send(201, f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><os_x_configuration_profile><id>{created}</id></os_x_configuration_profile>".encode())

    return Handler


