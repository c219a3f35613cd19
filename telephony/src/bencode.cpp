#include "hotline/telephony/bencode.hpp"

#include <charconv>
#include <optional>

namespace hotline::telephony {

namespace {

void encode_into(const bvalue& value, std::string& out) {
  if (const auto* n = value.integer()) {
    out += 'i';
    out += std::to_string(*n);
    out += 'e';
  } else if (const auto* s = value.text()) {
    out += std::to_string(s->size());
    out += ':';
    out += *s;
  } else if (const auto* l = value.list()) {
    out += 'l';
    for (const auto& item : *l) encode_into(item, out);
    out += 'e';
  } else if (const auto* d = value.dict()) {
    out += 'd';
    for (const auto& [key, item] : *d) {
      encode_into(bvalue(key), out);
      encode_into(item, out);
    }
    out += 'e';
  }
}

class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  boost::system::result<bvalue, std::string> value(int depth = 0) {
    if (depth > 32) return error("nested too deeply");
    if (pos_ >= text_.size()) return error("unexpected end");
    const char c = text_[pos_];
    if (c == 'i') {
      ++pos_;
      const auto end = text_.find('e', pos_);
      if (end == std::string_view::npos) return error("unterminated integer");
      std::int64_t n = 0;
      const auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + end, n);
      if (ec != std::errc() || ptr != text_.data() + end) return error("bad integer");
      pos_ = end + 1;
      return bvalue(n);
    }
    if (c == 'l') {
      ++pos_;
      blist items;
      while (pos_ < text_.size() && text_[pos_] != 'e') {
        auto item = value(depth + 1);
        if (!item) return item;
        items.push_back(std::move(*item));
      }
      if (pos_ >= text_.size()) return error("unterminated list");
      ++pos_;
      return bvalue(std::move(items));
    }
    if (c == 'd') {
      ++pos_;
      bdict entries;
      while (pos_ < text_.size() && text_[pos_] != 'e') {
        auto key = string();
        if (!key) return error("dictionary key is not a string");
        auto item = value(depth + 1);
        if (!item) return item;
        entries.insert_or_assign(std::move(*key), std::move(*item));
      }
      if (pos_ >= text_.size()) return error("unterminated dictionary");
      ++pos_;
      return bvalue(std::move(entries));
    }
    auto s = string();
    if (!s) return error("unknown value type");
    return bvalue(std::move(*s));
  }

  bool at_end() const { return pos_ == text_.size(); }
  std::string error_text(std::string what) const { return what + " at byte " + std::to_string(pos_); }

 private:
  boost::system::result<bvalue, std::string> error(std::string what) const {
    return {boost::system::in_place_error, error_text(std::move(what))};
  }

  std::optional<std::string> string() {
    const auto colon = text_.find(':', pos_);
    if (colon == std::string_view::npos || colon == pos_) return std::nullopt;
    std::size_t length = 0;
    const auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + colon, length);
    if (ec != std::errc() || ptr != text_.data() + colon || colon + 1 + length > text_.size()) return std::nullopt;
    std::string out(text_.substr(colon + 1, length));
    pos_ = colon + 1 + length;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string bencode(const bvalue& value) {
  std::string out;
  encode_into(value, out);
  return out;
}

boost::system::result<bvalue, std::string> bdecode(std::string_view text) {
  parser p(text);
  auto value = p.value();
  if (!value) return value;
  if (!p.at_end()) return {boost::system::in_place_error, p.error_text("trailing bytes")};
  return value;
}

std::string text_of(const bdict& dict, std::string_view key) {
  const auto found = dict.find(key);
  if (found == dict.end()) return "";
  const auto* s = found->second.text();
  return s ? *s : "";
}

std::int64_t integer_of(const bdict& dict, std::string_view key, std::int64_t fallback) {
  const auto found = dict.find(key);
  if (found == dict.end()) return fallback;
  if (const auto* n = found->second.integer()) return *n;
  if (const auto* s = found->second.text()) {
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec == std::errc() && ptr == s->data() + s->size()) return n;
  }
  return fallback;
}

}  // namespace hotline::telephony
