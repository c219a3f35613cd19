#pragma once
// The proto3 JSON mapping written straight from the message, as protobuf's printer would (every
// primitive field printed, fields with presence only when set), without the printer's detour
// through the binary encoding and a type resolver: that detour was a third of the gateway's CPU.

#include <google/protobuf/message.h>

#include <string>

namespace hotline::gateway {

/// Appends `message` as JSON to `out`.
void write_json(const google::protobuf::Message& message, std::string& out);

}  // namespace hotline::gateway
