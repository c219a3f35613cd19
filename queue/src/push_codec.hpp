#pragma once
// Internal: the length-prefixed arrays the scripts publish (queue/lua/_lib.lua encode) → values.

#include <hotline/core/redis_value.hpp>

#include <optional>
#include <string_view>

namespace hotline::queue::detail {

/// One encoded value: '<length>:<bytes>' a string, '*<count>:' an array of that many values.
/// Nothing when it is malformed or followed by anything else.
std::optional<core::redis_value> decode_push(std::string_view payload);

}  // namespace hotline::queue::detail
