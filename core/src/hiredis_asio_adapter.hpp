#pragma once
// Internal: drives a hiredis async context from an Asio executor (the shape of hiredis adapters/libuv.h).

#include <boost/asio/any_io_executor.hpp>

#include <functional>

struct redisAsyncContext;

namespace hotline::core {

/// Hooks `context` into `executor`'s reactor. `on_freed` runs when hiredis frees the context;
/// after it the context must not be touched. Returns false if the context already has an adapter.
bool attach_hiredis_to_asio(redisAsyncContext* context, boost::asio::any_io_executor executor,
                            std::function<void()> on_freed);

}  // namespace hotline::core
