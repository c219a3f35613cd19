#pragma once
// A traffic simulation through the real queue scripts with a simulated clock: months of a
// centre's history (arrivals with a day profile, patience, talk, wrap-up, ratings, transfers,
// messages and their replies, lawyers' shifts) booked in seconds. For `hotline simulate` (demo
// history, the benchmark) and for the integration tests of the figures.

#include <hotline/core/config.hpp>
#include <hotline/queue/engine.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace hotline::gateway {

struct simulation_options {
  std::string from;  ///< first day, YYYY-MM-DD
  std::string to;    ///< last day, inclusive
  /// Mean arrivals per day; each day's count is Poisson, spread by a 12348 day profile (peaks
  /// 9:00–11:00 and 14:00–17:00, a few at night).
  double sessions_per_day = 180;
  int lawyers = 6;  ///< day shift 08:30–17:30 for all but one, who covers the evening
  std::uint64_t seed = 1;
  std::string id_prefix = "sim";
};

struct simulation_summary {
  int sessions = 0;
  int actions = 0;  ///< script calls made
  int messages = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
};

/// Runs the simulation to its end (every session finished, every message answered or left
/// open) and restores the engine's clock. Errors other than expected refusals stop it.
boost::asio::awaitable<boost::system::result<simulation_summary, std::string>> simulate(
    queue::engine& queue, const core::config& config, const simulation_options& options);

}  // namespace hotline::gateway
