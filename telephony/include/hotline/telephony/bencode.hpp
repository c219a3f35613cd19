#pragma once
// Bencode, the encoding of rtpengine's ng control protocol: integers i42e, byte strings 4:spam,
// lists l…e and dictionaries d…e with keys in byte order.

#include <boost/system/result.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hotline::telephony {

struct bvalue;
using blist = std::vector<bvalue>;
using bdict = std::map<std::string, bvalue, std::less<>>;

struct bvalue {
  std::variant<std::int64_t, std::string, blist, bdict> data;

  bvalue() : data(std::string()) {}
  bvalue(std::int64_t n) : data(n) {}
  bvalue(int n) : data(static_cast<std::int64_t>(n)) {}
  bvalue(std::string s) : data(std::move(s)) {}
  bvalue(const char* s) : data(std::string(s)) {}
  bvalue(blist l) : data(std::move(l)) {}
  bvalue(bdict d) : data(std::move(d)) {}

  const std::string* text() const { return std::get_if<std::string>(&data); }
  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data); }
  const blist* list() const { return std::get_if<blist>(&data); }
  const bdict* dict() const { return std::get_if<bdict>(&data); }
};

std::string bencode(const bvalue& value);
/// The whole of `text` must be one value; the error says where it went wrong.
boost::system::result<bvalue, std::string> bdecode(std::string_view text);

/// A dictionary's string entry, or "" when it is missing or not a string.
std::string text_of(const bdict& dict, std::string_view key);
/// A dictionary's integer entry (also accepted as a decimal string), or `fallback`.
std::int64_t integer_of(const bdict& dict, std::string_view key, std::int64_t fallback = 0);

}  // namespace hotline::telephony
