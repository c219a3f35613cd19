#pragma once
// Internal: the MessagePack the scripts publish (queue/lua/_lib.lua publish) → values.

#include <hotline/core/redis_value.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace hotline::queue::detail {

/// One MessagePack value (strings, arrays of them, nested).
/// Nothing when it is malformed or followed by anything else.
std::optional<core::redis_value> decode_push(std::string_view payload);
/// The first `count` elements of an array of strings, as views of `payload`, without reading the
/// rest: who a push is for, before deciding to decode it.
std::optional<std::vector<std::string_view>> peek_strings(std::string_view payload, std::size_t count);

}  // namespace hotline::queue::detail
