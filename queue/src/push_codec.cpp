// Reads what queue/lua/_lib.lua encode writes. Lengths, not separators, bound each string, so a
// chat line or a note may hold any byte.
#include "push_codec.hpp"

namespace hotline::queue::detail {
namespace {

// Deeper than any state the scripts publish (a lawyer's sessions are three levels down).
constexpr int max_depth = 8;

// The decimal number before the next ':'; moves `rest` past the colon.
std::optional<std::size_t> take_length(std::string_view& rest) {
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
  std::size_t length = 0;
  for (const char c : rest.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<std::size_t>(c - '0');
  }
  rest.remove_prefix(colon + 1);
  return length;
}

bool take_value(std::string_view& rest, core::redis_value& out, int depth) {
  if (rest.empty() || depth > max_depth) return false;
  if (rest.front() == '*') {
    rest.remove_prefix(1);
    const auto count = take_length(rest);
    // Each item takes at least two bytes: a count past that is a lie, not a reason to allocate.
    if (!count || *count > rest.size() / 2) return false;
    out.type = core::redis_value::kind::array;
    out.elements.resize(*count);
    for (auto& item : out.elements)
      if (!take_value(rest, item, depth + 1)) return false;
    return true;
  }
  const auto length = take_length(rest);
  if (!length || *length > rest.size()) return false;
  out = core::redis_value::make_string(std::string(rest.substr(0, *length)));
  rest.remove_prefix(*length);
  return true;
}

}  // namespace

std::optional<core::redis_value> decode_push(std::string_view payload) {
  core::redis_value value;
  if (!take_value(payload, value, 0) || !payload.empty()) return std::nullopt;
  return value;
}

}  // namespace hotline::queue::detail
