// The per-connection coroutine; it owns the stream until a WebSocket session takes it over.
#include "http_session.hpp"

#include "agent_session.hpp"
#include "caller_session.hpp"
#include "listen_session.hpp"
#include "routes.hpp"
#include "wallboard_session.hpp"

#include <hotline/core/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>

namespace hotline::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

bool origin_allowed(const core::server_config& config, std::string_view origin, std::string_view host) {
  if (origin.empty()) return true;  // not a browser: no cross-site request to forge
  if (origin == "http://" + std::string(host) || origin == "https://" + std::string(host)) return true;
  return std::find(config.allowed_origins.begin(), config.allowed_origins.end(), origin) !=
         config.allowed_origins.end();
}

namespace {

asio::awaitable<void> write_and_close(beast::tcp_stream& stream, http_response response) {
  response.keep_alive(false);
  boost::system::error_code ec;
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

// Caller and lawyer WebSockets, the hot path, spread over the io threads (shards) in turn; the
// socket moves to the shard's io_context, and the session lives there from the handshake on.
void hand_over(gateway_context& context, beast::tcp_stream stream, http_request request, const std::string& log_id,
               admission::slot slot, std::string source) {
  auto& shards = context.ws_shards;
  gateway_context& target = shards.empty() ? context : *shards[context.next_ws_shard++ % shards.size()];
  boost::system::error_code ec;
  auto& socket = stream.socket();
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto handle = ec ? -1 : socket.release(ec);
  if (ec) {
    core::logger("gateway")->warn("{} could not hand the WebSocket over: {}", log_id, ec.message());
    return;
  }
  auto moved = std::make_shared<admission::slot>(std::move(slot));
  asio::post(target.executor, [&target, protocol, handle, request = std::move(request), log_id, moved,
                               source = std::move(source)]() mutable {
    websocket_stream ws(asio::ip::tcp::socket(target.executor, protocol, handle));
    const std::string_view target_uri = request.target();
    std::shared_ptr<ws_session> session;
    if (target_uri.starts_with("/ws/caller"))
      session = std::make_shared<caller_session>(std::move(ws), target, log_id, std::move(source));
    else
      session = std::make_shared<agent_session>(std::move(ws), target, log_id, query_parameters(target_uri)["pass"]);
    session->hold(std::move(*moved));
    asio::co_spawn(
        target.executor, [session, request = std::move(request)]() mutable { return session->run(std::move(request)); },
        asio::detached);
  });
}

}  // namespace

asio::awaitable<void> serve_connection(gateway_context& context, asio::ip::tcp::socket socket,
                                       admission::slot slot) {
  const auto& limits = context.config.server;
  const std::string log_id = "conn#" + std::to_string(context.next_connection_id++);
  boost::system::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec).address();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    stream.expires_after(std::chrono::seconds(limits.http_idle_timeout_seconds));
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof)
      co_return;
    if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      http_request stub;
      stub.version(11);
      const auto what = ec == http::error::body_limit ? "request body" : "request header";
      auto res = error_response(stub, v1::TOO_LARGE, std::string(what) + " over its size limit");
      if (ec != http::error::body_limit) res.result(http::status::request_header_fields_too_large);
      co_await write_and_close(stream, std::move(res));
      co_return;
    }
    if (ec) {
      http_request stub;
      stub.version(11);
      co_await write_and_close(stream, error_response(stub, v1::BAD_REQUEST, "malformed HTTP request"));
      co_return;
    }
    http_request request = parser.release();

    if (beast::websocket::is_upgrade(request)) {
      const std::string_view target = request.target();
      const std::string_view path = target.substr(0, target.find('?'));
      if (!origin_allowed(limits, request[http::field::origin], request[http::field::host])) {
        core::logger("gateway")->warn("{} refused WebSocket from origin {}", log_id,
                                      std::string(request[http::field::origin]));
        co_await write_and_close(stream, error_response(request, v1::ORIGIN_FORBIDDEN, "origin not allowed"));
        co_return;
      }
      std::string source;
      if (path == "/ws/caller") {
        // Anonymous: within the node's share for callers and the source's own.
        source = context.gate->source_of(peer, request["X-Forwarded-For"]);
        const auto verdict = context.gate->become_caller(slot, source);
        if (verdict != admission::verdict::admitted) {
          ++context.metrics.callers_refused_total;
          const bool node_full = verdict == admission::verdict::node_full;
          auto refused = node_full ? error_response(request, v1::BUSY, "the hotline is at its connection limit")
                                   : error_response(request, v1::RATE_LIMITED, "too many connections from this address");
          refused.result(node_full ? http::status::service_unavailable : http::status::too_many_requests);
          refused.set(http::field::retry_after, node_full ? "5" : "10");
          co_await write_and_close(stream, std::move(refused));
          co_return;
        }
      }
      if (path == "/ws/caller" || path == "/ws/agent") {
        hand_over(context, std::move(stream), std::move(request), log_id, std::move(slot), std::move(source));
        co_return;
      }
      std::shared_ptr<ws_session> session;
      if (path == "/ws/wallboard") {
        auto pass = query_parameters(target)["pass"];
        session =
            std::make_shared<wallboard_session>(websocket_stream(std::move(stream)), context, log_id, std::move(pass));
      } else if (path == "/ws/listen") {
        auto parameters = query_parameters(target);
        session = std::make_shared<listen_session>(websocket_stream(std::move(stream)), context, log_id,
                                                   parameters["pass"], parameters["session"]);
      } else {
        co_await write_and_close(stream, error_response(request, v1::NOT_FOUND, "no such WebSocket endpoint"));
        co_return;
      }
      // The WebSocket runs on in a frame of its own: this one, with the HTTP parser and buffer, ends
      // here rather than living as long as the socket (an idle caller costs kilobytes less).
      session->hold(std::move(slot));
      const auto executor = session->get_executor();
      asio::co_spawn(
          executor, [session, request = std::move(request)]() mutable { return session->run(std::move(request)); },
          asio::detached);
      co_return;
    }

    auto response = co_await handle_request(context, request, peer);
    const bool keep_alive = response.keep_alive();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (!keep_alive) {
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

}  // namespace hotline::gateway
