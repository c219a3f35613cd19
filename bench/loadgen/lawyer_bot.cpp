// The simulated lawyer's console connection.
#include "lawyer_bot.hpp"

#include "gateway_instance.hpp"
#include "http_client.hpp"
#include "timing.hpp"

namespace loadgen {

lawyer_bot::lawyer_bot(load_context& ctx, int index) : ctx_(ctx), index_(index), ws_(ctx.executor, ctx.counts) {}

std::string lawyer_bot::next_request_id() { return "a" + std::to_string(++requests_); }

asio::awaitable<bool> lawyer_bot::send() {
  const auto unsent = co_await ws_.send(out_);
  if (unsent) {
    if (!stopping_) ctx_.failures.add("lawyer send: " + unsent.message());
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> lawyer_bot::sign_in(std::string& error) {
  const auto name = gateway_instance::lawyer_name(index_);
  const std::string target = "/api/v1/auth/login", body = login_body(name, gateway_instance::lawyer_password(index_));
  auto reply = co_await http_request(ctx_.port, boost::beast::http::verb::post, target, body);
  // Sixty lawyers signing in at once meet the gateway's bounded hashing queue: as a console
  // would, try again after the second it asks for.
  for (int retry = 0; reply.status == 503 && retry < 30; ++retry) {
    co_await sleep_for(std::chrono::seconds(1));
    reply = co_await http_request(ctx_.port, boost::beast::http::verb::post, target, body);
  }
  const auto token = body_field(reply.body, "token");
  if (reply.status != 200 || token.empty()) {
    error = name + " login: HTTP " + std::to_string(reply.status) + " " + reply.body;
    co_return false;
  }
  const std::string pass_target = "/api/v1/auth/socket-pass", no_body;
  const auto issued = co_await http_request(ctx_.port, boost::beast::http::verb::post, pass_target, no_body, token);
  const auto pass = body_field(issued.body, "pass");
  if (issued.status != 200 || pass.empty()) {
    error = name + " socket pass: HTTP " + std::to_string(issued.status) + " " + issued.body;
    co_return false;
  }
  const std::string console = "/ws/agent?pass=" + pass;
  const auto refused = co_await ws_.connect(ctx_.port, console, std::chrono::seconds(10));
  if (refused) {
    error = name + " /ws/agent: " + refused.message();
    co_return false;
  }
  ready_request_ = next_request_id();
  client_frame::set_available(out_, ready_request_);
  const bool sent = co_await send();
  if (!sent) co_return false;
  server_frame frame;
  while (!ready_) {
    boost::system::error_code ec;
    const auto text = co_await ws_.read(ec);
    if (ec || !ctx_.parser.parse(text, frame)) {
      error = name + " did not become AVAILABLE: " + (ec ? ec.message() : std::string(text));
      co_return false;
    }
    co_await handle(frame, clock::now());
  }
  co_return true;
}

asio::awaitable<void> lawyer_bot::serve() {
  serving_ = true;
  server_frame frame;
  for (;;) {
    boost::system::error_code ec;
    const auto text = co_await ws_.read(ec);
    const auto arrived = clock::now();
    if (ec) {
      if (!stopping_) ctx_.failures.add("lawyer socket: " + ec.message());
      break;
    }
    if (!ctx_.parser.parse(text, frame)) {
      ctx_.failures.add("lawyer got an undecodable frame");
      continue;
    }
    co_await handle(frame, arrived);
  }
  serving_ = false;
}

asio::awaitable<void> lawyer_bot::handle(const server_frame& frame, clock::time_point arrived) {
  switch (frame.kind) {
    case frame_kind::offer:
      ctx_.offers.offered(frame.session_id, arrived);
      client_frame::accept(out_, next_request_id(), frame.offer_id);
      co_await send();
      break;
    case frame_kind::chat: {
      if (frame.from != "CALLER") break;  // our own lines come back too
      const int line = ++lines_[frame.session_id];
      client_frame::chat(out_, next_request_id(), frame.session_id, "请问孩子现在多大？和谁一起生活？");
      const bool answered = co_await send();
      if (!answered || line < chat_lines) break;
      lines_.erase(frame.session_id);
      // Frames on one connection are handled in order: the work order needs no wait for the end's ack.
      client_frame::lawyer_end(out_, next_request_id(), frame.session_id);
      const bool ended = co_await send();
      if (!ended) break;
      client_frame::wrap_up(out_, next_request_id(), frame.session_id);
      co_await send();
      break;
    }
    case frame_kind::error:
      ctx_.failures.add("lawyer error frame: " + frame.error);
      break;
    case frame_kind::agent_state:
      if (frame.request_id == ready_request_) ready_ = true;
      break;
    default:
      break;
  }
}

void lawyer_bot::stop() {
  stopping_ = true;
  ws_.abort();
}

}  // namespace loadgen
