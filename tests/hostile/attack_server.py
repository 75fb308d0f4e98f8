#!/usr/bin/python3
# gst-gemini-live test helper
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A hostile or broken Live service, one --mode per attack (issue 20).

Hand-written HTTP upgrade and RFC 6455 framing, so it can send what no
WebSocket library would: masked server frames, reserved bits and opcodes,
2^63 length fields, broken fragmentation, nesting bombs, floods. Python
stdlib only.

It listens on 127.0.0.1 only, on a random port, and prints one line on
stdout, "listening on ws://127.0.0.1:PORT" (wss:// for --mode tls-stall),
as tools/gemini-live-server does, so tests/common/LocalServer can run it.
Logs go to stderr. It stops by itself: after --lifetime seconds (default
60) or --max-connections connections (default 100), whichever comes first,
and every flood is bounded in bytes as well as time.

--record PATH appends one JSON object per line for what the client did:
{"event": "connection"}, {"event": "setup"} (its first frame),
{"event": "frame", "opcode": N, "size": N} and
{"event": "close", "code": N, "reason": "..."} for its close frame.

Every attack is applied on every connection, so a client that reconnects
meets it again.
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

SETUP_COMPLETE = b'{"setupComplete":{}}'
TURN_COMPLETE = b'{"serverContent":{"turnComplete":true}}'

# Bounds on what any one connection sends, whatever the mode.
MAX_FLOOD_BYTES = 2 << 30
MAX_REQUEST_BYTES = 64 * 1024


def audio_frame(pcm: bytes) -> bytes:
    data = base64.b64encode(pcm).decode()
    return json.dumps({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": data}}]}}},
        separators=(",", ":")).encode()


def frame(opcode: int, payload: bytes, fin=True, rsv=0, mask=False, length=None) -> bytes:
    """One frame as a server sends it; every field can be made wrong."""
    n = len(payload) if length is None else length
    head = bytearray([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mask_bit = 0x80 if mask else 0
    if n < 126:
        head.append(mask_bit | n)
    elif n < 65536:
        head.append(mask_bit | 126)
        head += struct.pack("!H", n)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", n)
    if mask:
        key = os.urandom(4)
        head += key
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes(head) + payload


def close_frame(code: int, reason: bytes) -> bytes:
    return frame(OP_CLOSE, struct.pack("!H", code) + reason)


# The nesting bomb of issue 20, item 1, and variants: json-glib 1.6 also
# accepts single-quoted strings (not line comments, sent all the same),
# each able to hide a '"' from a check that knows double quotes only.
def bomb(variant: str, depth: int) -> bytes:
    opens = b"[" * depth
    if variant == "comment":
        return b'/* " */ {"x":' + opens
    if variant == "line-comment":
        return b'// "\n{"x":' + opens
    if variant == "single-quote":
        return b"{'a\"b':" + opens
    if variant == "single-quote-escaped":
        return b"{'\\'\"':" + opens
    if variant == "escaped-quote":
        return b'{"x":"\\"","y":' + opens
    return b'{"x":' + opens  # plain


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def __call__(self, **event):
        if not self.path:
            return
        with self.lock, open(self.path, "a") as out:
            out.write(json.dumps(event) + "\n")


class Client:
    """One accepted connection: the upgrade, then the mode's attack."""

    def __init__(self, sock, args, record, number=1):
        self.number = number  # 1-based: which connection of this server
        self.sock = sock
        self.args = args
        self.record = record
        self.buffer = b""
        self.closed = threading.Event()

    # ------------------------------------------------------------ reading
    def recv_some(self) -> bool:
        try:
            data = self.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.closed.set()
            return False
        self.buffer += data
        return True

    def read_request(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > MAX_REQUEST_BYTES or not self.recv_some():
                return b""
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        return head

    def read_frame(self):
        """(opcode, payload) of the client's next frame, None at EOF. Only
        small payloads are unmasked: of large ones just the size is used."""
        while True:
            b = self.buffer
            if len(b) >= 2:
                masked = bool(b[1] & 0x80)
                n, pos = b[1] & 0x7F, 2
                if n == 126:
                    n, pos = (struct.unpack("!H", b[2:4])[0], 4) if len(b) >= 4 else (None, 0)
                elif n == 127:
                    n, pos = (struct.unpack("!Q", b[2:10])[0], 10) if len(b) >= 10 else (None, 0)
                key_size = 4 if masked else 0
                if n is not None and len(b) >= pos + key_size + n:
                    key = b[pos:pos + key_size]
                    data = b[pos + key_size:pos + key_size + n]
                    self.buffer = b[pos + key_size + n:]
                    if masked and n <= 4096:
                        data = bytes(c ^ key[i % 4] for i, c in enumerate(data))
                    return b[0] & 0x0F, data
            if not self.recv_some():
                return None

    def read_setup(self) -> bool:
        got = self.read_frame()
        if got:
            self.record(event="setup")
        return got is not None

    def drain_client(self):
        """Reads (and records) the client's frames until it closes."""
        while True:
            got = self.read_frame()
            if got is None:
                return
            opcode, payload = got
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self.record(event="close", code=code,
                            reason=payload[2:].decode("utf-8", "replace"))
                self.send(close_frame(code or 1000, b"") if code else frame(OP_CLOSE, b""))
                return
            self.record(event="frame", opcode=opcode, size=len(payload))

    def drain_in_background(self):
        threading.Thread(target=self.drain_client, daemon=True).start()

    # ------------------------------------------------------------ writing
    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed.set()
            return False

    def answer_upgrade(self, request: bytes) -> bool:
        key = b""
        for line in request.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                key = value.strip()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        return self.send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")

    def hold(self):
        """Keeps the connection open, reading nothing, until the client goes."""
        self.closed.wait(self.args.lifetime)

    def hold_reading(self):
        self.drain_client()

    def session_start(self) -> bool:
        """Upgrade, the client's setup, setupComplete."""
        request = self.read_request()
        if not request or not self.answer_upgrade(request) or not self.read_setup():
            return False
        return self.send(frame(OP_BINARY, SETUP_COMPLETE))

    def some_audio(self, frames=5, size=4800):
        for i in range(frames):
            if not self.send(frame(OP_BINARY, audio_frame(bytes([i]) * size))):
                return False
        return True

    def flood(self, payload: bytes, opcode=OP_BINARY):
        data = frame(opcode, payload)
        sent = 0
        deadline = time.monotonic() + self.args.flood_seconds
        while sent < MAX_FLOOD_BYTES and time.monotonic() < deadline:
            if not self.send(data):
                return
            sent += len(data)

    # ------------------------------------------------------------ modes
    def run(self):
        mode = self.args.mode
        handler = MODES.get(mode)
        try:
            handler(self)
        finally:
            try:
                self.sock.close()
            except OSError:
                pass


def violation(build):
    """A protocol violation right after the upgrade (or after setupComplete
    and some audio with --prelude session)."""
    def attack(c: Client):
        if c.args.prelude == "session":
            if not c.session_start() or not c.some_audio():
                return
        else:
            request = c.read_request()
            if not request or not c.answer_upgrade(request):
                return
        c.send(build(c))
        c.hold_reading()
    return attack


def mode_upgrade_never_answered(c):
    c.read_request()
    c.hold()


def mode_tls_stall(c):
    # The client's ClientHello arrives and is never answered.
    c.recv_some()
    c.hold()


def mode_http_refusal_bad_reason(c):
    c.read_request()
    body = b"refused"
    c.send(b"HTTP/1.1 403 Forbidden \xff\xfe\x1b[2J\x1b]0;owned\x07\x9b31m evil\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    c.hold()


def mode_close_bad_reason(c):
    if c.session_start():
        c.send(close_frame(1008, b"bad \xff\xfe\x1b[2J\x1b]0;owned\x07 reason\n"))
        c.hold_reading()


def mode_close_code(c):
    # A close frame carrying a code that must never be sent (1005, 1006) or
    # is outside 1000-4999: what the client answers is recorded.
    if c.session_start():
        c.send(close_frame(c.args.code, b"odd code"))
        c.hold_reading()


def mode_invalid_utf8_text(c):
    if not c.session_start():
        return
    # Only on the first connection: libsoup ends a connection over such a
    # frame, and the client resumes; the reply must then come.
    if c.number == 1:
        c.send(frame(OP_TEXT, b'{"serverContent":{"outputTranscription":{"text":"\xff\xfe"}}}'))
    c.some_audio()
    c.send(frame(OP_BINARY, TURN_COMPLETE))
    c.hold_reading()


def mode_json_bomb(c):
    if not c.session_start():
        return
    c.send(frame(OP_BINARY, bomb(c.args.variant, c.args.depth)))
    # The session must go on: a reply after the bomb.
    c.some_audio()
    c.send(frame(OP_BINARY, TURN_COMPLETE))
    c.hold_reading()


def mode_flood(c):
    if not c.session_start():
        return
    c.drain_in_background()
    text = "x" * 60000
    message = json.dumps({"serverContent": {"modelTurn": {"parts": [{"text": text}]}}})
    c.flood(message.encode())
    c.hold()


def mode_ping_flood(c):
    # Pings as fast as the socket takes them, and never a read: the client's
    # pongs have nowhere to go.
    if c.session_start():
        c.flood(b"p" * 125, OP_PING)
        c.hold()


def mode_stop_reading(c):
    # After setupComplete nothing the client sends is read.
    if c.session_start():
        c.hold()


def mode_steady(c):
    # A healthy service: 20 ms of audio every 20 ms, for the neighbour test.
    if not c.session_start():
        return
    c.drain_in_background()
    deadline = time.monotonic() + c.args.lifetime
    i = 0
    while time.monotonic() < deadline and not c.closed.is_set():
        if not c.send(frame(OP_BINARY, audio_frame(bytes([i % 256]) * 960))):
            return
        i += 1
        time.sleep(0.02)


def mode_goaway_every_connection(c):
    if c.session_start():
        c.send(frame(OP_BINARY, b'{"goAway":{"timeLeft":"10s"}}'))
        c.hold_reading()


def mode_close_1011_every_connection(c):
    if c.session_start():
        c.send(close_frame(1011, b"Internal error occurred."))
        c.hold_reading()


def mode_drop_every_connection(c):
    if c.session_start():
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def mode_no_setup_complete(c):
    request = c.read_request()
    if request and c.answer_upgrade(request) and c.read_setup():
        c.hold_reading()


def mode_audio_ahead(c):
    # Minutes of audio at once, far more than playback can use.
    if not c.session_start():
        return
    c.drain_in_background()
    big = audio_frame(b"\x01\x02" * (4 << 20))  # 8 MiB of PCM (175 s), under 16 MiB framed
    for _ in range(c.args.count):
        if not c.send(frame(OP_BINARY, big)):
            return
    c.hold()


def mode_usage_keys(c):
    if not c.session_start():
        return
    usage = {"totalTokenCount": 5, "evil=(int)1, x": 7, "esc\x1b[31m": 8, "sp ace": 9,
             "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 3},
                                       {"modality": "A=(string)x", "tokenCount": 4}]}
    c.send(frame(OP_BINARY, json.dumps({"usageMetadata": usage}).encode()))
    c.some_audio(1)
    c.send(frame(OP_BINARY, TURN_COMPLETE))
    c.hold_reading()


def mode_odd_pcm(c):
    # Two replies: 4801 + 4801 bytes (a sample split across two frames),
    # then a lone 3-byte chunk whose last byte has no partner.
    if not c.session_start():
        return
    for size in (4801, 4801):
        c.send(frame(OP_BINARY, audio_frame(b"\x10" * size)))
    c.send(frame(OP_BINARY, TURN_COMPLETE))
    c.send(frame(OP_BINARY, audio_frame(b"\x20" * 3)))
    c.send(frame(OP_BINARY, TURN_COMPLETE))
    c.hold_reading()


MODES = {
    "upgrade-never-answered": mode_upgrade_never_answered,
    "tls-stall": mode_tls_stall,
    "http-refusal-bad-reason": mode_http_refusal_bad_reason,
    "masked-frame": violation(lambda c: frame(OP_BINARY, SETUP_COMPLETE, mask=True)),
    "reserved-bits": violation(lambda c: frame(OP_BINARY, SETUP_COMPLETE, rsv=0b100)),
    "reserved-opcode": violation(lambda c: frame(0x3, b"x")),
    "reserved-control-opcode": violation(lambda c: frame(0xB, b"x")),
    # A header claiming one byte over 16 MiB, then a little of its payload.
    "oversize-frame": violation(lambda c: frame(OP_BINARY, b"{" * 1024, length=(16 << 20) + 1)),
    "length-2-63": violation(lambda c: frame(OP_BINARY, b"{", length=1 << 63)),
    "length-2-63-minus-1": violation(lambda c: frame(OP_BINARY, b"{", length=(1 << 63) - 1)),
    "continuation-without-start": violation(lambda c: frame(OP_CONT, b"{}")),
    "data-mid-fragment": violation(lambda c: frame(OP_TEXT, b'{"a":', fin=False)
                                   + frame(OP_BINARY, SETUP_COMPLETE)),
    "fragmented-control": violation(lambda c: frame(OP_PING, b"pi", fin=False)
                                    + frame(OP_CONT, b"ng")),
    "invalid-utf8-text": mode_invalid_utf8_text,
    "close-bad-reason": mode_close_bad_reason,
    "close-code": mode_close_code,
    "json-bomb": mode_json_bomb,
    "flood": mode_flood,
    "ping-flood": mode_ping_flood,
    "stop-reading": mode_stop_reading,
    "steady": mode_steady,
    "goaway-every-connection": mode_goaway_every_connection,
    "close-1011-every-connection": mode_close_1011_every_connection,
    "drop-every-connection": mode_drop_every_connection,
    "no-setup-complete": mode_no_setup_complete,
    "audio-ahead": mode_audio_ahead,
    "usage-keys": mode_usage_keys,
    "odd-pcm": mode_odd_pcm,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", required=True, choices=sorted(MODES))
    parser.add_argument("--prelude", choices=["none", "session"], default="none",
                        help="for the violations: setupComplete and some audio first")
    parser.add_argument("--variant", default="comment",
                        choices=["comment", "line-comment", "single-quote",
                                 "single-quote-escaped", "escaped-quote", "plain"],
                        help="json-bomb: the syntax that hides the brackets")
    parser.add_argument("--depth", type=int, default=80000, help="json-bomb: how many '['")
    parser.add_argument("--code", type=int, default=1005, help="close-code: the code sent")
    parser.add_argument("--count", type=int, default=40, help="audio-ahead: frames sent")
    parser.add_argument("--flood-seconds", type=float, default=20.0)
    parser.add_argument("--lifetime", type=float, default=60.0)
    parser.add_argument("--max-connections", type=int, default=100)
    parser.add_argument("--record", default="")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    record = Recorder(args.record)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.mode in ("ping-flood", "stop-reading"):
        # Small buffers (inherited by accepted sockets): what the client
        # sends backs up in the client, not in our kernel.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    scheme = "wss" if args.mode == "tls-stall" else "ws"
    print(f"listening on {scheme}://127.0.0.1:{listener.getsockname()[1]}", flush=True)

    # The whole process ends after --lifetime, whatever its threads do.
    timer = threading.Timer(args.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()

    for n in range(args.max_connections):
        sock, _ = listener.accept()
        record(event="connection")
        print(f"attack_server: connection {n + 1}, mode {args.mode}", file=sys.stderr, flush=True)
        threading.Thread(target=Client(sock, args, record, n + 1).run, daemon=True).start()
    # The last connection's attack runs until the lifetime ends.
    time.sleep(args.lifetime)


if __name__ == "__main__":
    main()
