#pragma once
// Citizens on /ws/caller: one whole consultation per connection (a connection follows one session),
// callers who wait in a queue nobody serves, and arrivals that leave again at once.

#include "load_context.hpp"

#include <array>
#include <memory>

namespace loadgen {

struct consultation {
  bool ok = false;
  double total_ms = 0;  ///< `start` written → rating acknowledged
  std::array<double, chat_lines> chat_round_trip_ms{};  ///< a line written → the lawyer's answer read
  clock::time_point finished;
};

/// start (consult.marriage, zh) → CONNECTED → `chat_lines` lines, each answered by the lawyer → the
/// lawyer's end → rate SATISFIED, acknowledged, within ctx.consultation_timeout and with no more than
/// `stall` between two frames. Every failure is added to ctx.failures.
asio::awaitable<consultation> consult(load_context& ctx, std::vector<double>* offer_latencies, clock::duration stall);

/// A caller waiting in `category`, reading what is pushed until its socket closes.
class waiting_caller {
 public:
  explicit waiting_caller(load_context& ctx) : ctx_(ctx), ws_(ctx.executor, ctx.counts) {}
  /// Connects and starts; true once the start is answered.
  asio::awaitable<bool> join(const char* category);
  /// Spawn detached after join; ends when the socket closes.
  asio::awaitable<void> listen();
  /// Drops the socket (the gateway starts the grace period).
  void hang_up() { ws_.abort(); }

 private:
  load_context& ctx_;
  ws_client ws_;
};

/// A caller who joins `category` and leaves (`end`) as soon as the start is answered; true when both
/// were acknowledged.
asio::awaitable<bool> arrive_and_leave(load_context& ctx, const char* category);

}  // namespace loadgen
