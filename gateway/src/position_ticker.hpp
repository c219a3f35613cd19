#pragma once
// Waiting callers' places and the wallboards, recomputed once per tick instead of once per change:
// a change to a queue only marks it and the first place it moved; each tick reads each marked
// queue's line from there once and tells the callers on this gateway whose place moved. So an
// arrival costs the same with ten callers waiting or ten thousand; an answer at the head moves,
// and tells, everyone behind it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <string>

namespace hotline::gateway {

struct gateway_context;

class position_ticker {
 public:
  position_ticker(gateway_context& context, boost::asio::any_io_executor executor);

  /// A queue's line changed from `rank` (0-based) on (a `q:` hint): the places from the smallest
  /// such rank are read again at the next tick.
  void queue_changed(const std::string& skill, int rank);
  /// Something a wallboard shows changed.
  void board_changed() { board_changed_ = true; }
  /// Every tick until stop().
  boost::asio::awaitable<void> run();
  void stop();

 private:
  boost::asio::awaitable<void> tick();

  gateway_context& context_;
  boost::asio::steady_timer timer_;
  std::map<std::string, int> changed_;  ///< skill → the first place that moved
  bool board_changed_ = false;
  bool stopped_ = false;
};

}  // namespace hotline::gateway
