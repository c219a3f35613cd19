#pragma once
// WebSocket frames ⇄ protobuf messages. Text frames are the proto3 JSON mapping, binary frames
// the protobuf encoding of the same message; a reply goes out in the encoding the client last used.

#include <hotline/proto/hotline.pb.h>

#include <string>
#include <string_view>

namespace hotline::gateway {

enum class frame_encoding { json, binary };

struct decode_error {
  std::string message;
};

/// Parses `payload` into `out`; false with a reason when it is not a valid frame of that type
/// (bad JSON, unknown field, wrong type, invalid UTF-8).
bool decode_frame(std::string_view payload, frame_encoding encoding, google::protobuf::Message& out,
                  std::string& error);

/// Serialises a message in the given encoding. JSON prints every primitive field, zero or not.
std::string encode_frame(const google::protobuf::Message& message, frame_encoding encoding);

/// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text);

}  // namespace hotline::gateway
