#pragma once
// Netstrings ("<length>:<payload>,"), the framing of Kamailio's evapi socket.

#include <optional>
#include <string>
#include <string_view>

namespace hotline::telephony {

inline std::string netstring(std::string_view payload) {
  return std::to_string(payload.size()) + ":" + std::string(payload) + ",";
}

/// Collects bytes from a stream and hands out whole payloads.
class netstring_reader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  /// The next whole payload; nothing until one is complete. A malformed stream sets broken().
  std::optional<std::string> next();
  bool broken() const { return broken_; }

 private:
  std::string buffer_;
  bool broken_ = false;
};

}  // namespace hotline::telephony
