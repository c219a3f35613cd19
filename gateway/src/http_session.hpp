#pragma once
// One TCP connection: HTTP/1.1 requests in a loop with size limits and an idle timeout, until
// it closes or upgrades to a caller or lawyer WebSocket.

#include "context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace hotline::gateway {

/// Serves one accepted connection, which holds `slot` of the node's admission until it closes.
boost::asio::awaitable<void> serve_connection(gateway_context& context, boost::asio::ip::tcp::socket socket,
                                              admission::slot slot);

/// True when a WebSocket upgrade from `origin` (empty: not a browser) may proceed for `host`.
bool origin_allowed(const core::server_config& config, std::string_view origin, std::string_view host);

}  // namespace hotline::gateway
