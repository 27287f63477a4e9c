"""A minimal Language Server Protocol client over stdio, enough to see what an editor would show.

It starts a server process, frames JSON-RPC messages with ``Content-Length`` headers, reads the server's
messages on a thread, answers the server's own requests (``workspace/configuration`` and the like) with
nothing, and waits for ``textDocument/publishDiagnostics``.
"""
from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path


class LspClient:
    """One language server process, driven as an editor drives it."""

    def __init__(self, argv, cwd, env):
        self.proc = subprocess.Popen(argv, cwd=str(cwd), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.incoming: "queue.Queue[dict]" = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    # ----------------------------------------------------------------------------------------- wire
    def _read(self):
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            message = json.loads(body.decode("utf-8"))
            if "id" in message and "method" in message:  # a request of the server: answer it
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            self.incoming.put(message)

    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=30):
        self._next_id += 1
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return self._wait(lambda m: m.get("id") == self._next_id and "method" not in m, timeout)

    def _wait(self, accept, timeout):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from the language server")
            message = self.incoming.get(timeout=remaining)
            if accept(message):
                return message

    # ------------------------------------------------------------------------------------- editor
    def start(self, root: Path, settings: dict):
        """initialize, initialized, then the user's settings (workspace/didChangeConfiguration)."""
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "rootPath": str(root),
                                    "capabilities": {}, "workspaceFolders": [{"uri": root.as_uri(), "name": "p"}]})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def open(self, path: Path, text: str):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}})

    def change(self, path: Path, text: str, version: int):
        """Unsaved edits: the whole new text, as a full-document change."""
        self.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": version},
                                               "contentChanges": [{"text": text}]})

    def save(self, path: Path):
        self.notify("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})

    def diagnostics(self, path: Path, timeout=20):
        """The next diagnostics the server publishes for ``path``."""
        uri = path.as_uri()
        message = self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri, timeout)
        return message["params"]["diagnostics"]

    def close(self):
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (TimeoutError, queue.Empty, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
