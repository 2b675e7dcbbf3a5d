# The web server the preview benchmark runs in its environment: Python's own file server, as
# `python3 -m http.server` runs it, with keep-alive (HTTP/1.1) and without per-request logging.
# Its two responses are written in two sends (headers, then body); without TCP_NODELAY the
# second could wait on the client's delayed ACK, tens of milliseconds that would swamp what is
# measured. Arguments: the directory served, then the ports to listen on.
import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass


handler = functools.partial(Handler, directory=sys.argv[1])
servers = [ThreadingHTTPServer(("0.0.0.0", int(port)), handler) for port in sys.argv[2:]]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
servers[0].serve_forever()
