#pragma once
// The HTTP API: one function per route, chosen by method and path.

#include "context.hpp"
#include "ws_session.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <map>
#include <string>

namespace hotline::gateway {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// `peer` is the client's address: the CTI API is only for the allowed ones.
boost::asio::awaitable<http_response> handle_request(gateway_context& context, const http_request& request,
                                                     const boost::asio::ip::address& peer);

/// The decoded query parameters of a request target ("a=1&b=%E4%B8%AD" → {a:1, b:中}).
std::map<std::string, std::string> query_parameters(std::string_view target);

/// A JSON error response with the stable code.
http_response error_response(const http_request& request, v1::ErrorCode code, const std::string& message);

}  // namespace hotline::gateway
