#pragma once
// One HTTP request to the gateway on a connection of its own (login, /readyz, /metrics).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <string>

namespace loadgen {

struct http_result {
  unsigned status = 0;  ///< 0 when the request did not get an answer
  std::string body;
};

/// Gives up after five seconds. A non-empty `bearer` is sent as the Authorization token.
boost::asio::awaitable<http_result> http_request(std::uint16_t port, boost::beast::http::verb method,
                                                 const std::string& target, const std::string& body,
                                                 const std::string& bearer = "");

}  // namespace loadgen
