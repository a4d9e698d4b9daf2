"""A stand-in for the Hugging Face Hub on 127.0.0.1, speaking the endpoints huggingface_hub uses
to publish a dataset: repo create, YAML validation, preupload, commit (NDJSON), tree listing,
refs, tags and the commit log. It checks a commit's ``parentCommit`` as the Hub does (412 when
``main`` moved), and it can lose a commit's response after committing (``lose_next``), to test
that a retry does not commit twice. It keeps repos in memory and records every request, so tests can check exactly
what was sent.

Not covered (documented in the README): LFS and Xet uploads (the stand-in answers "regular" for
every file, so contents travel base64-encoded inside the commit), pull requests, gated/private
access rules beyond recording the flag, and downloads through ``resolve/``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass
class Commit:
    oid: str
    message: str
    files: dict[str, bytes]  # the whole tree after this commit
    added: list[str]
    deleted: list[str]


@dataclass
class Repo:
    private: bool
    commits: list[Commit] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def head(self) -> dict[str, bytes]:
        return self.commits[-1].files if self.commits else {}


@dataclass
class Hub:
    repos: dict[str, Repo] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, auth
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next commits with
    lose_next: list[int] = field(default_factory=list)  # commit, then answer with these statuses
    lock: threading.Lock = field(default_factory=threading.Lock)


_REPO = r"(?P<repo>[^/]+/[^/]+)"
_ROUTES = [
    ("POST", re.compile(r"^/api/repos/create$"), "create"),
    ("POST", re.compile(r"^/api/validate-yaml$"), "validate_yaml"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/preupload/(?P<rev>[^/]+)$"), "preupload"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/commit/(?P<rev>[^/]+)$"), "commit"),
    ("POST", re.compile(rf"^/api/datasets/{_REPO}/tag/(?P<rev>[^/]+)$"), "tag"),
    ("GET", re.compile(rf"^/api/datasets/{_REPO}/refs$"), "refs"),
    ("GET", re.compile(rf"^/api/datasets/{_REPO}/commits/(?P<rev>[^/]+)$"), "commits"),
    ("GET", re.compile(rf"^/api/datasets/{_REPO}/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?$"), "tree"),
]


def make_handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def _route(self, method: str) -> None:
            path = unquote(urlsplit(self.path).path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with hub.lock:
                hub.requests.append((method, path, self.headers.get("Authorization")))
                for verb, pattern, name in _ROUTES:
                    match = pattern.match(path)
                    if verb == method and match:
                        status, payload = getattr(self, "_" + name)(body, **match.groupdict())
                        break
                else:
                    status, payload = 404, {"error": f"no route {method} {path}"}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 404:
                self.send_header("X-Error-Code", "RepoNotFound")
            self.end_headers()
            self.wfile.write(data)

        def _create(self, body: bytes) -> tuple[int, Any]:
            req = json.loads(body)
            repo_id = f"{req.get('organization') or 'user'}/{req['name']}"
            if repo_id in hub.repos:
                return 409, {
                    "error": "You already created this dataset repo",
                    "url": self._url(repo_id),
                }
            hub.repos[repo_id] = Repo(private=bool(req.get("private")))
            return 200, {"url": self._url(repo_id), "name": repo_id, "id": repo_id}

        def _validate_yaml(self, body: bytes) -> tuple[int, Any]:
            return 200, {"errors": [], "warnings": []}

        def _preupload(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            files = json.loads(body)["files"]
            return 200, {
                "files": [
                    {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None}
                    for f in files
                ],
                "commitOid": None,
            }

        def _commit(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            if hub.fail_next:
                return hub.fail_next.pop(0), {"error": "stand-in failure"}
            tree = dict(hub.repos[repo].head)
            message, added, deleted = "", [], []
            for line in body.decode().splitlines():
                item = json.loads(line)
                value = item["value"]
                if item["key"] == "header":
                    message = value["summary"]
                    parent = value.get("parentCommit")
                    head = hub.repos[repo].commits[-1].oid if hub.repos[repo].commits else None
                    if parent is not None and parent != head:
                        return 412, {"error": f"parent commit {parent} is not the head of main"}
                elif item["key"] == "file":
                    tree[value["path"]] = base64.b64decode(value["content"])
                    added.append(value["path"])
                elif item["key"] in {"deletedFile", "deletedFolder"}:
                    prefix = value["path"]
                    gone = [
                        p for p in tree if p == prefix or p.startswith(prefix.rstrip("/") + "/")
                    ]
                    if not gone:
                        return 404, {"error": "A file with this name doesn't exist"}
                    for p in gone:
                        del tree[p]
                    deleted.append(prefix)
                else:
                    return 400, {"error": f"unsupported commit item {item['key']}"}
            oid = hashlib.sha1(
                json.dumps([message, sorted(tree)]).encode()
                + str(len(hub.repos[repo].commits)).encode()
            ).hexdigest()
            hub.repos[repo].commits.append(Commit(oid, message, tree, added, deleted))
            if hub.lose_next:
                return hub.lose_next.pop(0), {"error": "stand-in: the response was lost"}
            return 200, {
                "commitUrl": f"{self._url(repo)}/commit/{oid}",
                "commitOid": oid,
                "success": True,
            }

        def _tag(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            tag = json.loads(body)["tag"]
            if tag in hub.repos[repo].tags:
                return 409, {"error": f"Tag {tag} already exists"}
            hub.repos[repo].tags[tag] = rev
            return 200, {}

        def _refs(self, body: bytes, repo: str) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            r = hub.repos[repo]
            main = (
                [{"name": "main", "ref": "refs/heads/main", "targetCommit": r.commits[-1].oid}]
                if r.commits
                else []
            )
            tags = [
                {"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid}
                for t, oid in r.tags.items()
            ]
            return 200, {"branches": main, "tags": tags, "converts": []}

        def _commits(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            return 200, [
                {
                    "id": c.oid,
                    "authors": [{"user": "stand-in"}],
                    "date": "2026-01-01T00:00:00.000Z",
                    "title": c.message,
                    "message": "",
                }
                for c in reversed(hub.repos[repo].commits)
            ]

        def _tree(
            self, body: bytes, repo: str, rev: str, path: str | None = None
        ) -> tuple[int, Any]:
            if repo not in hub.repos:
                return 404, {"error": "Repository not found"}
            return 200, [
                {"type": "file", "path": p, "oid": hashlib.sha1(c).hexdigest(), "size": len(c)}
                for p, c in sorted(hub.repos[repo].head.items())
            ]

        def _url(self, repo_id: str) -> str:
            host, port = self.server.server_address[:2]
            return f"http://{host!s}:{port}/datasets/{repo_id}"

    return Handler


class StandInHub:
    """Context manager: a running stand-in Hub; ``endpoint`` is its base URL."""

    def __init__(self) -> None:
        self.hub = Hub()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.hub))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> StandInHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
