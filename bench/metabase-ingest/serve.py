#!/usr/bin/env python3
"""A local stand-in for Metabase serving the generated export as cards: GET /api/card/<id> answers the metadata,
POST /api/card/<id>/query/csv streams the file as Metabase does (200, text/csv, Connection: close). Cards 1-8 are
the file once each (the eight-cards case), card 10 is the file's rows ten times under one header (a 10M-row card).
The export options must come as Metabase's UI sends them, form data with format_rows=false; anything else is a 400,
so the bench also checks the hub's request. Port and file prefix from argv. The bytes go out with sendfile(2), so
the stand-in costs the shared CPU as little as it can."""
import http.server, json, os, sys, urllib.parse

port, prefix = int(sys.argv[1]), sys.argv[2]
CSV = prefix + ".csv"
with open(CSV, "rb") as f:
    HEADER = f.readline()
SIZE = os.path.getsize(CSV)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        body = open(prefix + ".json", "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        kind = self.headers.get("Content-Type", "")
        form = urllib.parse.parse_qs(body) if kind.startswith("application/x-www-form-urlencoded") else {}
        if form.get("format_rows") != ["false"] or not isinstance(json.loads(form.get("parameters", ["null"])[0]), list):
            message = json.dumps({"message": "expected form data with format_rows=false and parameters, got %s: %s" % (kind, body[:200])})
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(message.encode())
            return
        card = int(self.path.split("/")[3])
        times = 10 if card == 10 else 1
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(HEADER) + times * (SIZE - len(HEADER))))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(HEADER)
        self.wfile.flush()
        with open(CSV, "rb") as f:
            for _ in range(times):
                self.connection.sendfile(f, len(HEADER), SIZE - len(HEADER))

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
