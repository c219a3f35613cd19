#pragma once
// An owned copy of one Redis reply (RESP2), so it outlives the hiredis callback that saw it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::core {

struct redis_value {
  enum class kind { nil, integer, string, status, error, array };

  kind type = kind::nil;
  std::int64_t integer = 0;
  std::string text;  ///< string, status and error replies
  std::vector<redis_value> elements;

  bool is_nil() const { return type == kind::nil; }
  bool is_error() const { return type == kind::error; }
  bool is_array() const { return type == kind::array; }

  /// A bulk or status string, or an integer in decimal; nothing for nil, arrays and errors.
  std::optional<std::string> as_string() const;
  /// An integer reply, or a string holding a decimal integer.
  std::optional<std::int64_t> as_integer() const;
  /// Element `index` of an array, or a nil value when out of range or not an array.
  const redis_value& at(std::size_t index) const;
  /// The field of a flat [k1, v1, k2, v2, …] array (HGETALL, Lua tables), or nil.
  const redis_value& field(std::string_view name) const;

  static redis_value make_string(std::string s) { return {kind::string, 0, std::move(s), {}}; }
  static redis_value make_integer(std::int64_t i) { return {kind::integer, i, {}, {}}; }
  static redis_value make_error(std::string s) { return {kind::error, 0, std::move(s), {}}; }
};

}  // namespace hotline::core
