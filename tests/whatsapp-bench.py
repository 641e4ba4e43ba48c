#!/usr/bin/env python3
# WhatsApp benchmark (not a test): webhook latency and webhook → reply throughput of a running service. The script is
# the Graph API too (a fake on GRAPH_PORT that takes every send), so start the service pointing at it, e.g.
#   Ujar__WhatsApp__AppSecret=local-secret Ujar__WhatsApp__AccessToken=bench Ujar__WhatsApp__PhoneNumberId=1 \
#   Ujar__WhatsApp__GraphBaseUrl=http://127.0.0.1:5092/v21.0 Logging__LogLevel__Default=Warning \
#   dotnet src/Ujar.Api/bin/Release/net10.0/Ujar.Api.dll serve --urls http://127.0.0.1:5091
# then: python3 tests/whatsapp-bench.py 5091 5092 2000 200 8   (messages, senders, connections). Each message is a
# signed text "halo" (answered with the instructions), so every message makes one inbox row and one outbox row.
import hashlib, hmac, http.client, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_PORT, GRAPH_PORT, SECRET = int(sys.argv[1]), int(sys.argv[2]), b"local-secret"
MESSAGES, SENDERS, THREADS = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
received, lock, last_send = 0, threading.Lock(), [0.0]

class Graph(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_POST(self):
        global received
        self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            received += 1
            last_send[0] = time.perf_counter()
        body = json.dumps({"messages": [{"id": f"wamid.out.{run}.{received}"}]}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass

server = ThreadingHTTPServer(("127.0.0.1", GRAPH_PORT), Graph)
threading.Thread(target=server.serve_forever, daemon=True).start()

run = str(int(time.time()))
def body(i):
    wa = f"62899{run[-4:]}{i % SENDERS:04d}"
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "0", "phone_number_id": "1"},
        "contacts": [{"profile": {"name": "Uji"}, "wa_id": wa}],
        "messages": [{"from": wa, "id": f"wamid.measure.{run}.{i}", "timestamp": str(int(time.time())), "type": "text", "text": {"body": "halo"}}]}}]}]}).encode()

latencies, next_i = [], [0]
def client():
    conn = http.client.HTTPConnection("127.0.0.1", SERVICE_PORT)
    while True:
        with lock:
            i = next_i[0]; next_i[0] += 1
        if i >= MESSAGES: return
        b = body(i)
        sig = "sha256=" + hmac.new(SECRET, b, hashlib.sha256).hexdigest()
        t = time.perf_counter()
        conn.request("POST", "/webhooks/whatsapp", b, {"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        r = conn.getresponse(); r.read()
        assert r.status == 200, r.status
        with lock: latencies.append(time.perf_counter() - t)

start = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(THREADS)]
[t.start() for t in threads]; [t.join() for t in threads]
posted = time.perf_counter() - start
while received < MESSAGES and time.perf_counter() - start < 600: time.sleep(0.05)
latencies.sort()
q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
print(f"{MESSAGES} webhooks from {SENDERS} senders over {THREADS} connections: posted in {posted:.2f} s ({MESSAGES/posted:.0f}/s), "
      f"latency p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {latencies[-1]*1000:.2f} ms")
print(f"replies received by the fake Graph: {received} of {MESSAGES}, the last {last_send[0]-start:.2f} s after the first POST "
      f"({received/(last_send[0]-start):.0f} replies/s end to end)")
