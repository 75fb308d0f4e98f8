/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client half of RFC 6455, pure: no sockets, no threads, no GStreamer.
 * The HTTP/1.1 upgrade request and the check of its answer, masked client
 * frames, and server frames read into whole messages (7/16/64-bit lengths,
 * fragments, ping/pong, close). No extensions are offered, so a server that
 * answers with one, sets an RSV bit or masks a frame is refused.
 *
 * The benchmark's raw floor (bench-raw-floor) only: a measurement reference
 * for what the traffic costs with no libsoup and no GLib loop. Not product
 * code (the plugin's WebSocket is libsoup's). Tested by raw_websocket_test.cpp.
 */
#pragma once

#include <glib.h>

#include <string>
#include <utility>
#include <vector>

namespace gemlive {
namespace ws {

constexpr unsigned OP_CONTINUATION = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8,
    OP_PING = 0x9, OP_PONG = 0xa;
constexpr guint16 CLOSE_NORMAL = 1000, CLOSE_GOING_AWAY = 1001, CLOSE_PROTOCOL_ERROR = 1002,
    CLOSE_NO_STATUS = 1005, CLOSE_ABNORMAL = 1006, CLOSE_TOO_BIG = 1009;
/* A client frame's longest header: 2 bytes, a 64-bit length, the mask. */
constexpr size_t MAX_CLIENT_HEADER = 14;

/* The opening handshake: the request to send, with a fresh random key, and
 * the Sec-WebSocket-Accept that key asks of the server. */
struct Handshake {
  std::string request;
  std::string expected_accept;
};
using HeaderList = std::vector<std::pair<std::string, std::string>>;
/* target: the path and query ("/ws/...?key=..."); host: the Host header
 * ("host" or "host:port"). Extra headers go after the WebSocket ones. False
 * with why when a header would break the request (a line break or a colon in
 * a name, a line break in a value): such a value never reaches the wire. */
bool make_handshake (const std::string &target, const std::string &host,
    const HeaderList &headers, Handshake &handshake, std::string &why);
/* Sec-WebSocket-Accept for a key: base64 (SHA-1 (key + the RFC's GUID)). */
std::string accept_for_key (const std::string &key);

/* The server's answer to the upgrade, once its whole head is there. */
struct UpgradeResponse {
  enum Kind {
    Incomplete,  /* call again with more bytes */
    Accepted,    /* 101 with the right accept: frames follow head_size */
    Refused,     /* an HTTP status other than 101: status, reason */
    Invalid,     /* not a valid answer for a WebSocket (why) */
  } kind = Incomplete;
  size_t head_size = 0;  /* Accepted: bytes before the first frame */
  unsigned status = 0;
  std::string reason;    /* the status line's reason phrase */
  std::string why;
};
UpgradeResponse check_upgrade_response (const char *data, size_t size,
    const std::string &expected_accept);

/* Mask keys from a fast generator seeded from GLib's random source. RFC 6455
 * asks for unpredictable keys so a browser page cannot aim bytes at a
 * proxy; this client sends no attacker-chosen bytes, as libsoup's
 * g_random_int () keys assume too. */
class MaskKeys {
public:
  MaskKeys ();
  guint32 next ();

private:
  guint64 state_;
};

/* Appends one masked client frame carrying [payload, payload + length) to
 * out: the payload is masked as it is copied, so it is read once. */
void append_client_frame (std::string &out, unsigned opcode, const char *payload,
    size_t length, guint32 mask_key);
/* The payload of a close frame: the code and a reason cut to fit 123 bytes
 * (at a UTF-8 boundary). code 0: no status, an empty payload. */
std::string close_payload (guint16 code, const std::string &reason);

/* What one server frame asks of the client. */
struct ServerFrame {
  enum Kind {
    Incomplete,     /* not all of it is there yet: call again with more */
    Nothing,        /* a pong, or a fragment of a message not yet whole */
    Message,        /* a whole text or binary message: data, size */
    Ping,           /* answer with a pong of the same payload: data, size */
    Close,          /* answer with a close and close the socket: close_code, data/size: reason */
    ProtocolError,  /* close with close_code (1002, or 1009 for a too large message): error */
  } kind = Incomplete;
  size_t used = 0;  /* bytes of the input the frame took */
  const char *data = nullptr;
  size_t size = 0;
  guint16 close_code = 0;  /* Close: CLOSE_NO_STATUS when the frame had none */
  const char *error = nullptr;
};

/* The receive side of one connection. data of a Message points into the
 * input, or for a fragmented one into this reader, until the next call. */
class ServerFrameReader {
public:
  explicit ServerFrameReader (guint64 max_message) : max_message_ (max_message) {}
  /* Reads the frame at the start of [data, data + size). */
  ServerFrame next (const char *data, size_t size);

private:
  ServerFrame on_control (bool fin, unsigned opcode, const char *payload, size_t length);
  ServerFrame on_data (bool fin, unsigned opcode, const char *payload, size_t length);

  guint64 max_message_;
  std::vector<char> message_;  /* a fragmented message so far */
  bool in_fragmented_message_ = false;
};

}  // namespace ws
}  // namespace gemlive
