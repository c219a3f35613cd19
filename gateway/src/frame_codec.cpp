// JSON and binary frame codec: protobuf's own parsers, our direct JSON writer.
#include "hotline/gateway/frame_codec.hpp"

#include "json_writer.hpp"

#include <google/protobuf/util/json_util.h>

namespace hotline::gateway {

namespace {

// Every string field of a decoded message must be valid UTF-8 (protobuf's C++ binary parser only logs it).
bool strings_valid(const google::protobuf::Message& message, std::string& error) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
        if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
            !valid_utf8(reflection->GetRepeatedString(message, field, j))) {
          error = "field " + field->name() + " is not valid UTF-8";
          return false;
        }
        if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
            !strings_valid(reflection->GetRepeatedMessage(message, field, j), error))
          return false;
      }
      continue;
    }
    if (!reflection->HasField(message, field)) continue;
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !valid_utf8(reflection->GetString(message, field))) {
      error = "field " + field->name() + " is not valid UTF-8";
      return false;
    }
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
        !strings_valid(reflection->GetMessage(message, field), error))
      return false;
  }
  return true;
}

}  // namespace

bool decode_frame(std::string_view payload, frame_encoding encoding, google::protobuf::Message& out,
                  std::string& error) {
  out.Clear();
  if (encoding == frame_encoding::binary) {
    if (!out.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      error = "not a valid protobuf " + out.GetDescriptor()->name();
      return false;
    }
    // Unknown fields in a binary frame mean a client built for another schema.
    if (!out.GetReflection()->GetUnknownFields(out).empty()) {
      error = "unknown fields in " + out.GetDescriptor()->name();
      return false;
    }
    return strings_valid(out, error);
  }
  if (!valid_utf8(payload)) {
    error = "text frame is not valid UTF-8";
    return false;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(payload.data(), payload.size()), &out, options);
  if (!status.ok()) {
    error = std::string(status.message());
    return false;
  }
  return strings_valid(out, error);
}

std::string encode_frame(const google::protobuf::Message& message, frame_encoding encoding) {
  std::string out;
  if (encoding == frame_encoding::binary) {
    message.SerializeToString(&out);
    return out;
  }
  write_json(message, out);
  return out;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length;
    std::uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace hotline::gateway
