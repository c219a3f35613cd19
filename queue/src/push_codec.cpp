// Reads the MessagePack the scripts publish (cmsgpack.pack in queue/lua/_lib.lua publish): arrays
// of strings, nested. Lengths, not separators, bound each string, so a chat line or a note may
// hold any byte; maps read as flat [key, value, …] arrays, numbers as their decimal text.
#include "push_codec.hpp"

#include <cstdint>
#include <string>

namespace hotline::queue::detail {
namespace {

// Deeper than any state the scripts publish (a lawyer's sessions are three levels down).
constexpr int max_depth = 8;

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  bool done() const { return in_.empty(); }

  // The element count of an array that starts here.
  bool array_header(std::uint64_t& count) {
    if (in_.empty()) return false;
    const auto tag = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    if ((tag & 0xf0) == 0x90) {
      count = tag & 0x0f;
      return true;
    }
    return (tag == 0xdc && take(2, count)) || (tag == 0xdd && take(4, count));
  }

  // A string that starts here, as a view of the input.
  bool string_view(std::string_view& out) {
    if (in_.empty()) return false;
    const auto tag = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    std::uint64_t length = 0;
    if ((tag & 0xe0) == 0xa0)
      length = tag & 0x1f;
    else if (!((tag == 0xd9 && take(1, length)) || (tag == 0xda && take(2, length)) || (tag == 0xdb && take(4, length))))
      return false;
    if (length > in_.size()) return false;
    out = in_.substr(0, length);
    in_.remove_prefix(length);
    return true;
  }

  bool value(core::redis_value& out, int depth) {
    if (in_.empty() || depth > max_depth) return false;
    const auto tag = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    std::uint64_t n = 0;
    if (tag <= 0x7f) return integer(out, tag);
    if (tag >= 0xe0) return integer(out, static_cast<std::int8_t>(tag));
    if ((tag & 0xe0) == 0xa0) return string(out, tag & 0x1f);
    if ((tag & 0xf0) == 0x90) return array(out, tag & 0x0f, depth);
    if ((tag & 0xf0) == 0x80) return array(out, 2 * (tag & 0x0f), depth);
    switch (tag) {
      case 0xc0:
        out = core::redis_value{};
        return true;
      case 0xc2:
      case 0xc3:
        return integer(out, tag == 0xc3);
      case 0xc4: case 0xd9: return take(1, n) && string(out, n);
      case 0xc5: case 0xda: return take(2, n) && string(out, n);
      case 0xc6: case 0xdb: return take(4, n) && string(out, n);
      case 0xcc: return take(1, n) && integer(out, static_cast<std::int64_t>(n));
      case 0xcd: return take(2, n) && integer(out, static_cast<std::int64_t>(n));
      case 0xce: return take(4, n) && integer(out, static_cast<std::int64_t>(n));
      case 0xcf: return take(8, n) && integer(out, static_cast<std::int64_t>(n));
      case 0xd0: return take(1, n) && integer(out, static_cast<std::int8_t>(n));
      case 0xd1: return take(2, n) && integer(out, static_cast<std::int16_t>(n));
      case 0xd2: return take(4, n) && integer(out, static_cast<std::int32_t>(n));
      case 0xd3: return take(8, n) && integer(out, static_cast<std::int64_t>(n));
      case 0xdc: return take(2, n) && array(out, n, depth);
      case 0xdd: return take(4, n) && array(out, n, depth);
      case 0xde: return take(2, n) && array(out, 2 * n, depth);
      case 0xdf: return take(4, n) && array(out, 2 * n, depth);
      default:
        return false;  // floats and extensions: never published
    }
  }

 private:
  // A big-endian unsigned of `bytes` bytes.
  bool take(std::size_t bytes, std::uint64_t& out) {
    if (in_.size() < bytes) return false;
    out = 0;
    for (std::size_t i = 0; i < bytes; ++i) out = out << 8 | static_cast<std::uint8_t>(in_[i]);
    in_.remove_prefix(bytes);
    return true;
  }
  bool string(core::redis_value& out, std::uint64_t length) {
    if (length > in_.size()) return false;
    out = core::redis_value::make_string(std::string(in_.substr(0, length)));
    in_.remove_prefix(length);
    return true;
  }
  static bool integer(core::redis_value& out, std::int64_t value) {
    out = core::redis_value::make_string(std::to_string(value));
    return true;
  }
  bool array(core::redis_value& out, std::uint64_t count, int depth) {
    // Each item takes at least a byte: a count past that is a lie, not a reason to allocate.
    if (count > in_.size()) return false;
    out.type = core::redis_value::kind::array;
    out.elements.resize(count);
    for (auto& item : out.elements)
      if (!value(item, depth + 1)) return false;
    return true;
  }

  std::string_view in_;
};

}  // namespace

std::optional<core::redis_value> decode_push(std::string_view payload) {
  reader in(payload);
  core::redis_value value;
  if (!in.value(value, 0) || !in.done()) return std::nullopt;
  return value;
}

std::optional<std::vector<std::string_view>> peek_strings(std::string_view payload, std::size_t count) {
  reader in(payload);
  std::uint64_t size = 0;
  if (!in.array_header(size) || size < count) return std::nullopt;
  std::vector<std::string_view> out(count);
  for (auto& item : out)
    if (!in.string_view(item)) return std::nullopt;
  return out;
}

}  // namespace hotline::queue::detail
