"""Receive the helpdesk's pushes: register a listener, then verify and parse each delivery.

Environment: HELPDESK_URL, HELPDESK_LOGIN, HELPDESK_PASSWORD; PUSH_PORT (default 8099);
PUSH_EXPECT: stop after this many events (default: run until interrupted).
"""

import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from helpdesk_soap.client import HelpdeskClient
from helpdesk_soap.client.receiver import SIGNATURE_HEADER, BadSignature, parse_push

seen = set()  # event ids already handled: deliveries are at least once


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            event = parse_push(body, self.headers.get(SIGNATURE_HEADER), SECRET)
        except BadSignature:
            self.send_response(401)  # not from the helpdesk: refused, and not retried
            self.end_headers()
            return
        if event["EventId"] not in seen:
            seen.add(event["EventId"])
            print(event["EventType"], event["CallId"], event["Watermark"],
                  event["Call"]["Status"]["Code"], flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


client = HelpdeskClient.from_env()
server = HTTPServer(("127.0.0.1", int(os.environ.get("PUSH_PORT", "8099"))), Receiver)
url = f"http://127.0.0.1:{server.server_address[1]}/helpdesk-events"
listener, SECRET = client.register_listener(url, fmt="JSON")
print("listening", listener.listener_id, url, flush=True)
expect = int(os.environ.get("PUSH_EXPECT", "0"))
try:
    while not expect or len(seen) < expect:
        server.handle_request()
finally:
    client.remove_listener(listener.listener_id)
