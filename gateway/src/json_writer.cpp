// One pass over the descriptors: names in lowerCamelCase, enums by name, 64-bit integers as
// strings, doubles in their shortest form that reads back exactly, bytes in base64.
#include "json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace hotline::gateway {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void write_string(std::string_view text, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0xF];
        } else {
          out += c;  // UTF-8 passes through: strings are checked on the way in
        }
    }
  }
  out += '"';
}

template <class Number>
void write_number(Number value, std::string& out) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

// 64-bit integers are strings in proto3 JSON: JavaScript's numbers cannot hold them exactly.
template <class Number>
void write_quoted_number(Number value, std::string& out) {
  out += '"';
  write_number(value, out);
  out += '"';
}

void write_double(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    write_number(value, out);
  }
}

void write_base64(const std::string& bytes, std::string& out) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out += '"';
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(n >> shift) & 0x3F];
  }
  if (i < bytes.size()) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 0x3F];
    out += alphabet[(n >> 12) & 0x3F];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 0x3F] : '=';
    out += '=';
  }
  out += '"';
}

void write_message(const Message& message, std::string& out);

// One value of a field: element `index` of a repeated field, or the singular value when index < 0.
void write_value(const Message& message, const Reflection& r, const FieldDescriptor& field, int index,
                 std::string& out) {
  const bool repeated = index >= 0;
  // The value through the reflection getter of its kind: the singular or the repeated one.
  auto get = [&](auto singular, auto element) {
    return repeated ? (r.*element)(message, &field, index) : (r.*singular)(message, &field);
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      write_number(get(&Reflection::GetInt32, &Reflection::GetRepeatedInt32), out);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      write_number(get(&Reflection::GetUInt32, &Reflection::GetRepeatedUInt32), out);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      write_quoted_number(get(&Reflection::GetInt64, &Reflection::GetRepeatedInt64), out);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      write_quoted_number(get(&Reflection::GetUInt64, &Reflection::GetRepeatedUInt64), out);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      write_double(get(&Reflection::GetDouble, &Reflection::GetRepeatedDouble), out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      write_double(get(&Reflection::GetFloat, &Reflection::GetRepeatedFloat), out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += get(&Reflection::GetBool, &Reflection::GetRepeatedBool) ? "true" : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = get(&Reflection::GetEnumValue, &Reflection::GetRepeatedEnumValue);
      if (const auto* value = field.enum_type()->FindValueByNumber(number))
        write_string(value->name(), out);
      else
        write_number(number, out);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const auto& text = repeated ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                  : r.GetStringReference(message, &field, &scratch);
      if (field.type() == FieldDescriptor::TYPE_BYTES)
        write_base64(text, out);
      else
        write_string(text, out);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_message(repeated ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field), out);
      break;
  }
}

// A map field is a repeated entry message {key = 1, value = 2}; JSON writes it as an object.
void write_map(const Message& message, const Reflection& r, const FieldDescriptor& field, std::string& out) {
  out += '{';
  const int size = r.FieldSize(message, &field);
  for (int i = 0; i < size; ++i) {
    if (i > 0) out += ',';
    const auto& entry = r.GetRepeatedMessage(message, &field, i);
    const auto& entry_reflection = *entry.GetReflection();
    const auto& key = *field.message_type()->map_key();
    std::string key_text;
    write_value(entry, entry_reflection, key, -1, key_text);
    // Keys are always strings in JSON; string keys are quoted already.
    if (key.cpp_type() == FieldDescriptor::CPPTYPE_STRING || key.cpp_type() == FieldDescriptor::CPPTYPE_INT64 ||
        key.cpp_type() == FieldDescriptor::CPPTYPE_UINT64)
      out += key_text;
    else
      write_string(key_text, out);
    out += ':';
    write_value(entry, entry_reflection, *field.message_type()->map_value(), -1, out);
  }
  out += '}';
}

void write_message(const Message& message, std::string& out) {
  const auto& descriptor = *message.GetDescriptor();
  const auto& r = *message.GetReflection();
  out += '{';
  bool first = true;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const auto& field = *descriptor.field(i);
    // Fields with presence (messages, oneof members, `optional`) appear only when set.
    if (!field.is_repeated() && field.has_presence() && !r.HasField(message, &field)) continue;
    if (!first) out += ',';
    first = false;
    write_string(field.json_name(), out);
    out += ':';
    if (field.is_map()) {
      write_map(message, r, field, out);
    } else if (field.is_repeated()) {
      out += '[';
      const int size = r.FieldSize(message, &field);
      for (int j = 0; j < size; ++j) {
        if (j > 0) out += ',';
        write_value(message, r, field, j, out);
      }
      out += ']';
    } else {
      write_value(message, r, field, -1, out);
    }
  }
  out += '}';
}

}  // namespace

void write_json(const Message& message, std::string& out) { write_message(message, out); }

}  // namespace hotline::gateway
