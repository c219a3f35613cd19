#include "hotline/telephony/netstring.hpp"

namespace hotline::telephony {

std::optional<std::string> netstring_reader::next() {
  if (broken_) return std::nullopt;
  const auto colon = buffer_.find(':');
  if (colon == std::string::npos) {
    if (buffer_.size() > 9) broken_ = true;  // no length prefix is that long
    return std::nullopt;
  }
  std::size_t length = 0;
  if (colon == 0 || colon > 9) {
    broken_ = true;
    return std::nullopt;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = buffer_[i];
    if (c < '0' || c > '9') {
      broken_ = true;
      return std::nullopt;
    }
    length = length * 10 + static_cast<std::size_t>(c - '0');
  }
  if (buffer_.size() < colon + 1 + length + 1) return std::nullopt;
  if (buffer_[colon + 1 + length] != ',') {
    broken_ = true;
    return std::nullopt;
  }
  std::string payload = buffer_.substr(colon + 1, length);
  buffer_.erase(0, colon + 1 + length + 1);
  return payload;
}

}  // namespace hotline::telephony
