#!/usr/bin/env python3
"""A local stand-in for Metabase: GET /api/card/1 answers the metadata, POST /api/card/1/query/csv streams the
export file as Metabase does (200, text/csv, Connection: close). Port and file prefix from argv."""
import http.server, os, shutil, sys

port, prefix = int(sys.argv[1]), sys.argv[2]

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
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(os.path.getsize(prefix + ".csv")))
        self.send_header("Connection", "close")
        self.end_headers()
        with open(prefix + ".csv", "rb") as f:
            shutil.copyfileobj(f, self.wfile, 1 << 20)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
