/* gst-gemini-live
 * Copyright (C) 2026 gst-gemini-live contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client half of RFC 6455 that bench-raw-floor needs, with no I/O of its
 * own (raw_floor.cpp owns the sockets): the HTTP/1.1 upgrade request and the
 * check of its answer, masked client frames built in place, and unmasked
 * server frames read into whole messages (7/16/64-bit lengths, fragments,
 * ping/pong and close). No extensions, no TLS: a benchmark floor, not a
 * client to ship. Known gaps for a client that would ship (not needed
 * against bench-peer): a 1-byte close payload is taken as "no status"
 * (RFC 6455 5.5.1 makes it an error), the 101's Upgrade/Connection headers
 * are not checked, and an over-long control frame is refused only once its
 * payload has arrived. Tested by raw_websocket_test.cpp.
 */
#pragma once

#include <glib.h>

#include <string>
#include <vector>

namespace raw_websocket {

constexpr unsigned OP_CONTINUATION = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8,
    OP_PING = 0x9, OP_PONG = 0xa;
constexpr guint16 CLOSE_GOING_AWAY = 1001, CLOSE_PROTOCOL_ERROR = 1002, CLOSE_NO_STATUS = 1005;
/* A client frame's longest header: 2 bytes, a 64-bit length, the mask. */
constexpr size_t MAX_CLIENT_HEADER = 14;

/* The opening handshake: the request to send, with a fresh random key, and
 * the Sec-WebSocket-Accept that key asks of the server. */
struct Handshake {
  std::string request;
  std::string expected_accept;
};
Handshake make_handshake (const char *path, const std::string &host_port);
/* Sec-WebSocket-Accept for a key: base64 (SHA-1 (key + the RFC's GUID)). */
std::string accept_for_key (const std::string &key);

enum class UpgradeResult { Incomplete, Accepted, Refused };
/* Checks the server's answer in data once its whole head is there: 101, the
 * accept hash, and no extension forced on us. Accepted and Refused set
 * head_size (the bytes before the first frame), Refused also why; a head
 * still incomplete after more bytes than any sane one is Refused too. */
UpgradeResult check_upgrade_response (const char *data, size_t size,
    const std::string &expected_accept, size_t &head_size, std::string &why);

/* Mask keys from a fast generator seeded once: libsoup's g_random_int () is
 * no cryptographic source either, and the peer is our own. */
class MaskKeys {
public:
  MaskKeys ();
  guint32 next ();

private:
  guint64 state_;
};

/* Makes the `length` bytes at payload one masked client frame: the header
 * goes just before the payload (the caller leaves MAX_CLIENT_HEADER bytes
 * free there) and the payload is masked in place, so the frame leaves in one
 * send () with no copy. Returns where the frame starts; it is frame_size
 * bytes long. */
unsigned char *frame_in_place (unsigned char *payload, size_t length, unsigned opcode,
    guint32 mask_key, size_t &frame_size);

/* What one server frame asks of the client. */
struct ServerFrame {
  enum Kind {
    Incomplete,     /* not all of it is there yet: call again with more */
    Nothing,        /* a pong, or a fragment of a message not yet whole */
    Message,        /* a whole text or binary message: data, size */
    Ping,           /* answer with a pong of the same payload: data, size */
    Close,          /* answer with a close and close the socket: close_code */
    ProtocolError,  /* close with CLOSE_PROTOCOL_ERROR: error */
  } kind = Incomplete;
  size_t used = 0;  /* bytes of the input the frame took */
  const char *data = nullptr;
  size_t size = 0;
  guint16 close_code = 0;  /* CLOSE_NO_STATUS when the close frame had none */
  const char *error = nullptr;
};

/* The receive side of one connection. data of a Message points into the
 * input, or for a fragmented one into this reader, until the next call. */
class ServerFrameReader {
public:
  explicit ServerFrameReader (guint64 max_payload) : max_payload_ (max_payload) {}
  /* Reads the frame at the start of [data, data + size). */
  ServerFrame next (const char *data, size_t size);

private:
  ServerFrame on_control (bool fin, unsigned opcode, const char *payload, size_t length);
  ServerFrame on_data (bool fin, unsigned opcode, const char *payload, size_t length);

  guint64 max_payload_;
  std::vector<char> message_;  /* a fragmented message so far */
  bool in_fragmented_message_ = false;
};

}  // namespace raw_websocket
