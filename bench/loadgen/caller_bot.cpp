// The simulated citizens' chat connections.
#include "caller_bot.hpp"

#include <boost/beast/core/error.hpp>

namespace loadgen {

namespace {

const std::string caller_path = "/ws/caller";

// One caller connection and its session's state as the frames tell it; the consultation drives it.
struct caller_connection {
  caller_connection(load_context& ctx, clock::duration stall)
      : ctx_(ctx), ws_(ctx.executor, ctx.counts), deadline_(clock::now() + ctx.consultation_timeout), stall_(stall) {}

  asio::awaitable<bool> open() {
    const auto ec = co_await ws_.connect(ctx_.port, caller_path, std::chrono::seconds(10), stall_);
    if (ec) ctx_.failures.add("caller connect: " + ec.message());
    co_return !ec;
  }

  asio::awaitable<bool> send() {
    const auto ec = co_await ws_.send(out_);
    if (ec) ctx_.failures.add("caller send: " + ec.message());
    co_return !ec;
  }

  /// Reads one frame into frame_, following the session's state; false (a failure) on an error
  /// frame, a closed socket or the consultation's deadline.
  asio::awaitable<bool> next() {
    boost::system::error_code ec;
    const auto text = co_await ws_.read(ec);
    arrived_ = clock::now();
    if (ec == boost::beast::error::timeout) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(stall_).count();
      ctx_.failures.add("caller stalled in " + state_ + ": no frame for " + std::to_string(seconds) + " s");
      co_return false;
    }
    if (ec) {
      ctx_.failures.add("caller read (" + state_ + "): " + ec.message());
      co_return false;
    }
    if (!ctx_.parser.parse(text, frame_)) {
      ctx_.failures.add("caller got an undecodable frame");
      co_return false;
    }
    if (frame_.kind == frame_kind::error) {
      ctx_.failures.add("caller error frame (" + state_ + "): " + frame_.error);
      co_return false;
    }
    if (frame_.kind == frame_kind::session) state_ = frame_.state;
    if (arrived_ > deadline_) {
      ctx_.failures.add("consultation not finished in time (" + state_ + ")");
      co_return false;
    }
    co_return true;
  }

  /// Reads until the session frame that answers `request_id`.
  asio::awaitable<bool> answer_to(const char* request_id) {
    for (;;) {
      const bool read = co_await next();
      if (!read) co_return false;
      if (frame_.kind == frame_kind::session && frame_.request_id == request_id) co_return true;
    }
  }

  /// Reads until the lawyer has taken the session.
  asio::awaitable<bool> connected() {
    while (state_ != "CONNECTED") {
      const bool read = co_await next();
      if (!read) co_return false;
    }
    co_return true;
  }

  /// Reads until the talk is over (the work order may already be filed).
  asio::awaitable<bool> talk_ended() {
    while (state_ != "WRAP_UP" && state_ != "CLOSED") {
      const bool read = co_await next();
      if (!read) co_return false;
    }
    co_return true;
  }

  /// Writes `out_` and reads until the session frame that answers it.
  asio::awaitable<bool> request(const char* request_id) {
    const bool sent = co_await send();
    if (!sent) co_return false;
    const bool answered = co_await answer_to(request_id);
    co_return answered;
  }

  /// Writes a chat line and reads until the lawyer's answer; its round trip in ms, or a negative number.
  asio::awaitable<double> chat_round_trip(int line) {
    client_frame::chat(out_, "c" + std::to_string(line), "", "我想咨询离婚后孩子的抚养权问题");
    const auto written = clock::now();
    const bool sent = co_await send();
    if (!sent) co_return -1;
    // The acknowledgement and the echo of our own line come first; the lawyer's answer is what counts.
    do {
      const bool read = co_await next();
      if (!read) co_return -1;
    } while (frame_.kind != frame_kind::chat || frame_.from != "LAWYER");
    co_return ms_between(written, arrived_);
  }

  /// The whole consultation after `start` was answered; true when the rating was acknowledged.
  asio::awaitable<bool> talk(consultation& out) {
    const bool answered = co_await connected();
    if (!answered) co_return false;
    for (int line = 0; line < chat_lines; ++line) {
      const double round_trip = co_await chat_round_trip(line);
      if (round_trip < 0) co_return false;
      out.chat_round_trip_ms[line] = round_trip;
    }
    const bool ended = co_await talk_ended();
    if (!ended) co_return false;
    client_frame::rate(out_, "r");
    const bool rated = co_await request("r");
    co_return rated;
  }

  load_context& ctx_;
  ws_client ws_;
  clock::time_point deadline_;
  clock::duration stall_;
  clock::time_point arrived_;
  server_frame frame_;
  std::string state_;
  std::string out_;
};

}  // namespace

asio::awaitable<consultation> consult(load_context& ctx, std::vector<double>* offer_latencies, clock::duration stall) {
  consultation out;
  caller_connection c(ctx, stall);
  const bool opened = co_await c.open();
  if (!opened) co_return out;
  client_frame::start(c.out_, "s", "consult.marriage");
  const auto started = clock::now();
  const bool queued = co_await c.request("s");
  if (!queued) co_return out;
  const std::string session_id = c.frame_.session_id;
  ctx.offers.started(session_id, started, offer_latencies);
  const bool rated = co_await c.talk(out);
  out.ok = rated;
  out.finished = clock::now();
  out.total_ms = ms_between(started, out.finished);
  ctx.offers.forget(session_id);
  co_await c.ws_.close();
  co_return out;
}

asio::awaitable<bool> waiting_caller::join(const char* category) {
  const auto refused = co_await ws_.connect(ctx_.port, caller_path, std::chrono::seconds(30), ctx_.consultation_timeout);
  if (refused) {
    ctx_.failures.add("waiting caller connect: " + refused.message());
    co_return false;
  }
  std::string out;
  client_frame::start(out, "w", category);
  const auto unsent = co_await ws_.send(out);
  if (unsent) {
    ctx_.failures.add("waiting caller send: " + unsent.message());
    co_return false;
  }
  server_frame frame;
  for (;;) {
    boost::system::error_code ec;
    const auto text = co_await ws_.read(ec);
    if (ec || !ctx_.parser.parse(text, frame) || frame.kind == frame_kind::error) {
      ctx_.failures.add("waiting caller start: " + (ec ? ec.message() : frame.error));
      co_return false;
    }
    if (frame.kind == frame_kind::session && frame.request_id == "w") {
      // From now on it only listens, and may hear nothing for as long as it waits.
      ws_.idle_timeout(clock::duration::zero());
      co_return true;
    }
  }
}

asio::awaitable<void> waiting_caller::listen() {
  server_frame frame;
  for (;;) {
    boost::system::error_code ec;
    const auto text = co_await ws_.read(ec);
    if (ec) break;  // hung up, or the gateway stopped
    if (ctx_.parser.parse(text, frame) && frame.kind == frame_kind::error)
      ctx_.failures.add("waiting caller error frame: " + frame.error);
  }
}

asio::awaitable<bool> arrive_and_leave(load_context& ctx, const char* category) {
  caller_connection c(ctx, ctx.consultation_timeout);
  const bool opened = co_await c.open();
  if (!opened) co_return false;
  client_frame::start(c.out_, "s", category);
  const bool queued = co_await c.request("s");
  if (!queued) co_return false;
  client_frame::caller_end(c.out_, "e");
  const bool left = co_await c.request("e");
  co_await c.ws_.close();
  co_return left;
}

}  // namespace loadgen
