// One read of each changed queue per tick, fanned out to the callers waiting in it on this gateway.
#include "position_ticker.hpp"

#include "context.hpp"
#include "phone_service.hpp"
#include "ws_session.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace hotline::gateway {

namespace asio = boost::asio;

position_ticker::position_ticker(gateway_context& context, asio::any_io_executor executor)
    : context_(context), timer_(executor) {}

asio::awaitable<void> position_ticker::run() {
  const auto interval = std::chrono::milliseconds(context_.config.routing.position_tick_ms);
  while (!stopped_) {
    timer_.expires_after(interval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopped_) break;
    co_await tick();
  }
}

void position_ticker::stop() {
  stopped_ = true;
  timer_.cancel();
}

void position_ticker::queue_changed(const std::string& skill, int rank) {
  auto [at, added] = changed_.emplace(skill, rank);
  if (!added) at->second = std::min(at->second, rank);
}

asio::awaitable<void> position_ticker::tick() {
  if (std::exchange(board_changed_, false)) context_.connections.refresh_wallboards();
  for (const auto& [skill, first] : std::exchange(changed_, {})) {
    const bool calls = context_.phone && context_.phone->has_waiting(skill);
    if (!context_.connections.has_callers_in(skill) && !calls) continue;
    auto line = co_await context_.queue.line(skill, first);
    if (!line) {
      queue_changed(skill, first);  // Redis away: try again at the next tick
      continue;
    }
    if (calls) context_.phone->line_changed(skill, *line);
    // Only the sessions from the first moved place on: the cost follows what moved, not the line.
    for (std::size_t i = 0; i < line->sessions.size(); ++i)
      for (auto& connection : context_.connections.callers_of(line->sessions[i]))
        connection->place_in_line(line->first + static_cast<int>(i) + 1, line->staffed);
  }
}

}  // namespace hotline::gateway
