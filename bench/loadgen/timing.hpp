#pragma once
// The generator's clock and the small waits every phase needs.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace loadgen {

using clock = std::chrono::steady_clock;
namespace asio = boost::asio;

/// Milliseconds between two instants, as the figures print them.
inline double ms_between(clock::time_point from, clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// A duration given in (fractional) seconds on the command line.
inline clock::duration seconds_of(double seconds) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
}

inline asio::awaitable<void> sleep_until(clock::time_point at) {
  asio::steady_timer timer(co_await asio::this_coro::executor, at);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

inline asio::awaitable<void> sleep_for(clock::duration d) { co_await sleep_until(clock::now() + d); }

/// Polls `done` every few milliseconds; false when `limit` passed first. Used to join detached
/// coroutines, which report through counters they share with the phase.
template <class Predicate>
asio::awaitable<bool> wait_until(Predicate done, clock::duration limit,
                                 clock::duration every = std::chrono::milliseconds(5)) {
  const auto deadline = clock::now() + limit;
  while (!done()) {
    if (clock::now() >= deadline) co_return false;
    co_await sleep_for(every);
  }
  co_return true;
}

}  // namespace loadgen
