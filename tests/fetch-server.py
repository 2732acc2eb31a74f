#!/usr/bin/env python3
"""tests/fetch-server.py — the HTTP server the download tests talk to

    python3 tests/fetch-server.py --root DIR [--port N] [--port-file FILE]
                                  [--faults FILE] [--log FILE]
                                  [--tls-cert PEM --tls-key PEM]

Serves the files under DIR on 127.0.0.1 only (HTTP/1.1, keep-alive, one
thread per connection): GET and HEAD, single byte ranges (206; 416 when
unsatisfiable; If-Range honoured), a strong ETag made of size, mtime_ns and
inode, Last-Modified, and 304 for If-None-Match / If-Modified-Since.  A
path with a '..' segment is refused (400); directories are 404.

--tls-cert/--tls-key: HTTPS instead, with that certificate (the tests give
it a self-signed one, which a client that verifies must refuse).

--port 0 (the default) binds any free port; --port-file gets the bound port
(written atomically once the socket listens).  Quiet unless --log FILE.

--faults FILE: a JSON list, re-read on every request, of
    {"path": "/exact/path" or an fnmatch glob,
     "kind": "status" | "drop" | "stall" | "redirect",
     "status": 500,        (status: the status to answer with; redirect: 302)
     "location": "/path",  (redirect: where to)
     "after": BYTES,       (drop, stall: body bytes sent first; default 0)
     "seconds": S,         (stall: how long to stall; default 30)
     "times": N}           (how many matching requests it spoils; default 1)
"status" answers with that status (and a short text body); "drop" sends the
normal headers with the full Content-Length, then `after` body bytes, then
closes the connection; "stall" sends `after` bytes, sleeps `seconds`, then
closes; "redirect" answers with that status and a Location.  Uses are counted in memory per (fault index, path); a "drop" or
"stall" is only used by a response that has a body (a 304, a HEAD or an
error leaves it for the next request).

GET /__stats: {"<path>": {"requests": n, "body_bytes": n, "statuses": [..]}}
counting the body bytes actually sent.  POST or GET /__reset: clears the
stats and the fault counters.  Neither is counted.
"""

import argparse
import email.utils
import fnmatch
import http.server
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

CHUNK = 64 * 1024


class State:
    def __init__(self, root, faults, log):
        self.root = os.path.realpath(root)
        self.faults_path = faults
        self.log = log
        self.lock = threading.Lock()
        self.stats = {}
        self.fault_uses = {}

    def record(self, path, status=None, body=0, request=False):
        with self.lock:
            s = self.stats.setdefault(path, {"requests": 0, "body_bytes": 0, "statuses": []})
            if request:
                s["requests"] += 1
            if status is not None:
                s["statuses"].append(status)
            s["body_bytes"] += body

    def reset(self):
        with self.lock:
            self.stats = {}
            self.fault_uses = {}

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))

    def faults(self):
        if not self.faults_path:
            return []
        try:
            with open(self.faults_path, encoding="utf-8") as f:
                v = json.load(f)
        except (OSError, ValueError):
            return []
        return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []

    def take_fault(self, path, kinds):
        """The first fault of one of kinds that applies to path, counted as used."""
        for i, f in enumerate(self.faults()):
            pat = f.get("path", "")
            if not isinstance(pat, str) or not (pat == path or fnmatch.fnmatchcase(path, pat)):
                continue
            if f.get("kind", "status") not in kinds:
                continue
            key = (i, pat)
            with self.lock:
                used = self.fault_uses.get(key, 0)
                if used >= int(f.get("times", 1)):
                    continue
                self.fault_uses[key] = used + 1
            return f
        return None

    def say(self, msg):
        if self.log:
            with self.lock, open(self.log, "a", encoding="utf-8") as f:
                f.write("%.3f %s\n" % (time.time(), msg))


def etag_of(st):
    return '"%x-%x-%x"' % (st.st_size, st.st_mtime_ns, st.st_ino)


def parse_range(header, size):
    """(start, end) inclusive, "bad" when unsatisfiable, None to ignore."""
    if not header or not header.startswith("bytes="):
        return None
    spec = header[6:].strip()
    if "," in spec:
        return None  # one range only: answer with the whole file
    first, sep, last = spec.partition("-")
    if not sep:
        return None
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return "bad"
            return (max(0, size - n), size - 1) if size > 0 else "bad"
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start > end and last:
        return None
    if start >= size:
        return "bad"
    return (start, min(end, size - 1))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and a small body go out as separate writes: without
    # TCP_NODELAY the body waits for the client's delayed ACK (40 ms),
    # which no real web server makes its clients pay
    disable_nagle_algorithm = True
    server_version = "vprov-fetch-test/1"

    def log_message(self, fmt, *args):
        self.server.state.say("%s:%d %s" % (self.client_address[0], self.client_address[1],
                                            fmt % args))

    @property
    def state(self):
        return self.server.state

    def reply(self, path, status, body=b"", headers=None, head=False):
        headers = dict(headers or {})
        if status != 304:
            headers.setdefault("Content-Length", str(len(body)))
            headers.setdefault("Content-Type", "text/plain")
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        sent = 0
        if body and not head:
            self.wfile.write(body)
            sent = len(body)
        if path is not None:
            self.state.record(path, status=status, body=sent)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urllib.parse.urlsplit(self.path).path
        if path == "/__reset":
            self.state.reset()
            self.reply(None, 200, b"ok\n")
        else:
            self.reply(None, 405, b"method not allowed\n")

    def do_GET(self):
        self.serve(head=False)

    def do_HEAD(self):
        self.serve(head=True)

    def serve(self, head):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/__stats":
            body = (json.dumps(self.state.snapshot(), sort_keys=True) + "\n").encode()
            return self.reply(None, 200, body, {"Content-Type": "application/json",
                                                "Cache-Control": "no-store"}, head)
        if path == "/__reset":
            self.state.reset()
            return self.reply(None, 200, b"ok\n", head=head)

        self.state.record(path, request=True)
        fault = self.state.take_fault(path, ("status", "redirect"))
        if fault and fault.get("kind") == "redirect":
            status = int(fault.get("status", 302))
            return self.reply(path, status, b"moved\n", {"Location": str(fault.get("location", "/"))},
                              head=head)
        if fault:
            status = int(fault.get("status", 500))
            return self.reply(path, status, ("fault: HTTP %d\n" % status).encode(), head=head)

        if not path.startswith("/") or ".." in path.split("/") or "\0" in path:
            return self.reply(path, 400, b"bad path\n", head=head)
        full = os.path.join(self.state.root, path.lstrip("/"))
        try:
            real = os.path.realpath(full)
            if os.path.commonpath([real, self.state.root]) != self.state.root:
                raise FileNotFoundError(full)  # a symbolic link out of the root
            st = os.stat(real)
            if not os.path.isfile(real):
                raise FileNotFoundError(full)
            f = open(real, "rb")
        except OSError:
            return self.reply(path, 404, b"not found\n", head=head)

        with f:
            size = st.st_size
            etag = etag_of(st)
            mtime = int(st.st_mtime)
            validators = {"ETag": etag,
                          "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
                          "Accept-Ranges": "bytes"}

            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm is not None:
                tags = [t.strip() for t in inm.split(",")]
                if "*" in tags or etag in tags or ("W/" + etag) in tags:
                    return self.reply(path, 304, b"", validators, head=True)
            elif ims is not None:
                try:
                    since = email.utils.parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError):
                    since = None
                if since is not None and mtime <= since:
                    return self.reply(path, 304, b"", validators, head=True)

            rng = parse_range(self.headers.get("Range"), size)
            if_range = self.headers.get("If-Range")
            if rng is not None and if_range is not None:
                if if_range.startswith('"') or if_range.startswith("W/"):
                    if if_range != etag:
                        rng = None
                else:
                    try:
                        ok = email.utils.parsedate_to_datetime(if_range).timestamp() >= mtime
                    except (TypeError, ValueError):
                        ok = False
                    if not ok:
                        rng = None
            if rng == "bad":
                return self.reply(path, 416, b"", {"Content-Range": "bytes */%d" % size,
                                                  "Content-Length": "0"}, head=True)

            headers = dict(validators)
            headers["Content-Type"] = "application/octet-stream"
            if rng is None:
                status, start, end = 200, 0, size - 1
            else:
                status, (start, end) = 206, rng
                headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, size)
            length = end - start + 1 if size > 0 else 0
            headers["Content-Length"] = str(length)

            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if head:
                self.state.record(path, status=status)
                return

            fault = self.state.take_fault(path, ("drop", "stall")) if length > 0 else None
            limit = length
            if fault:
                limit = min(length, max(0, int(fault.get("after", 0))))
            f.seek(start)
            sent = 0
            try:
                while sent < limit:
                    data = f.read(min(CHUNK, limit - sent))
                    if not data:
                        break
                    self.wfile.write(data)
                    sent += len(data)
                    self.state.record(path, body=len(data))
                self.wfile.flush()
            except OSError:
                self.close_connection = True
                self.state.record(path, status=status)
                return
            self.state.record(path, status=status)
            if fault:
                self.state.say("fault %s on %s after %d bytes" % (fault.get("kind"), path, sent))
                if fault.get("kind") == "stall":
                    time.sleep(float(fault.get("seconds", 30)))
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # a client that went away mid-reply: no traceback on stderr
        self.state.say("error with %s: %s" % (client_address, sys.exc_info()[1]))


def main():
    ap = argparse.ArgumentParser(description="the HTTP server of vprov's download tests")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--faults")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()

    if not os.path.isdir(a.root):
        print("fetch-server.py: no such directory: %s" % a.root, file=sys.stderr)
        return 2
    srv = Server(("127.0.0.1", a.port), Handler)
    if a.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.state = State(a.root, a.faults, a.log)
    port = srv.server_address[1]
    if a.port_file:
        tmp = "%s.%d.tmp" % (a.port_file, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    srv.state.say("listening on 127.0.0.1:%d, serving %s" % (port, srv.state.root))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
