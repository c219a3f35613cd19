// Accessors of redis_value, and the copy out of a hiredis reply.
#include "hotline/core/redis_value.hpp"

#include "redis_reply_decode.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

namespace hotline::core {
namespace {

const redis_value nil_value{};

}  // namespace

std::optional<std::string> redis_value::as_string() const {
  switch (type) {
    case kind::string:
    case kind::status:
      return text;
    case kind::integer:
      return std::to_string(integer);
    default:
      return std::nullopt;
  }
}

std::optional<std::int64_t> redis_value::as_integer() const {
  if (type == kind::integer) return integer;
  if (type != kind::string && type != kind::status) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

const redis_value& redis_value::at(std::size_t index) const {
  if (type != kind::array || index >= elements.size()) return nil_value;
  return elements[index];
}

const redis_value& redis_value::field(std::string_view name) const {
  if (type != kind::array) return nil_value;
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2)
    if (elements[i].text == name) return elements[i + 1];
  return nil_value;
}

redis_value decode_reply(const redisReply* reply) {
  redis_value value;
  if (!reply) return value;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      value.type = redis_value::kind::integer;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
      value.type = redis_value::kind::string;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      value.type = redis_value::kind::status;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      value.type = redis_value::kind::error;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      value.type = redis_value::kind::array;
      value.elements.reserve(reply->elements);
      for (std::size_t i = 0; i < reply->elements; ++i) value.elements.push_back(decode_reply(reply->element[i]));
      break;
    default:
      break;  // REDIS_REPLY_NIL
  }
  return value;
}

}  // namespace hotline::core
