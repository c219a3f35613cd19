// The generator's few HTTP requests, over Beast.
#include "http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

namespace loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<http_result> http_request(std::uint16_t port, http::verb method, const std::string& target,
                                          const std::string& body, const std::string& bearer) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(std::chrono::seconds(5));
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint gateway(asio::ip::make_address("127.0.0.1"), port);
  co_await stream.async_connect(gateway, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return http_result{};
  http::request<http::string_body> request(method, target, 11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
  request.body() = body;
  request.prepare_payload();
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return http_result{};
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return http_result{};
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  http_result out;
  out.status = response.result_int();
  out.body = std::move(response.body());
  co_return out;
}

}  // namespace loadgen
