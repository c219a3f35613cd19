#pragma once
// Internal: the copy of a hiredis reply into a redis_value.

#include "hotline/core/redis_value.hpp"

struct redisReply;

namespace hotline::core {

/// A deep copy of `reply`; a null reply becomes nil.
redis_value decode_reply(const redisReply* reply);

}  // namespace hotline::core
