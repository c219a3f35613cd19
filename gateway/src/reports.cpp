// Reads one counter hash per day of the period and hands them to stats::summarize.
#include "reports.hpp"

#include <hotline/core/civil_day.hpp>

#include <chrono>

namespace hotline::gateway {

std::string today(const core::config& config) {
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return core::day_string(core::local_day_number(now, config.centre.utc_offset_minutes));
}

boost::asio::awaitable<boost::system::result<v1::SummaryReport>> summary_report(queue::engine& queue,
                                                                                const core::config& config,
                                                                                std::string from, std::string to,
                                                                                stats::group_by by) {
  if (from.empty()) from = today(config);
  if (to.empty()) to = from;
  const auto first = core::parse_day(from);
  const auto last = core::parse_day(to);
  if (!first || !last || *first > *last || *last - *first > 366) co_return make_error_code(stats::errc::bad_period);
  std::vector<stats::day_counters> days;
  for (auto day = *first; day <= *last; ++day) {
    stats::day_counters d{core::day_string(day), {}};
    auto counters = co_await queue.day_counters(d.day);
    if (!counters) co_return counters.error();
    d.counters = std::move(*counters);
    days.push_back(std::move(d));
  }
  stats::report_request request{config.centre.id,
                                from,
                                to,
                                by,
                                config.centre.utc_offset_minutes,
                                config.stats.service_level_seconds,
                                config.stats.short_abandon_seconds};
  co_return stats::summarize(days, request);
}

}  // namespace hotline::gateway
