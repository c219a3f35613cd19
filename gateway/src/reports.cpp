// Report assembly: the records of a period (archive + live) and the request's settings handed to
// stats; the wallboard from the queue's snapshot and today's counters.
#include "reports.hpp"

#include <hotline/core/civil_day.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace hotline::gateway {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

stats::report_failure archive_failure(const std::string& detail) {
  return {make_error_code(stats::errc::archive_unavailable), detail};
}

std::string source_of(const stats::record_set& records, const archive_service& archive) {
  return std::to_string(records.sessions.size()) + " sessions and " + std::to_string(records.tickets.size()) +
         " tickets from " + archive.describe() + " and the live sessions in Redis";
}

// A period with its defaults filled in: empty from = today, empty to = from.
std::optional<std::pair<std::string, std::string>> period_of(const core::config& config, std::string from,
                                                             std::string to) {
  if (from.empty()) from = today(config);
  if (to.empty()) to = from;
  const auto first = core::parse_day(from);
  const auto last = core::parse_day(to);
  if (!first || !last || *first > *last || *last - *first > 366) return std::nullopt;
  return std::pair{from, to};
}

stats::records_request request_for(const core::config& config, const std::string& from, const std::string& to,
                                   stats::grouping by) {
  stats::records_request request{config.centre.id,
                                 from,
                                 to,
                                 by,
                                 config.centre.utc_offset_minutes,
                                 config.stats.service_level_seconds,
                                 config.stats.short_abandon_seconds,
                                 now_ms(),
                                 {},
                                 {}};
  if (by.by_dimension == stats::dimension::category)
    for (const auto& c : config.routing.categories) request.known_values.push_back(c.code);
  if (by.by_dimension == stats::dimension::language)
    for (const auto& l : config.routing.languages) request.known_values.push_back(l.code);
  if (by.by_dimension == stats::dimension::channel) request.known_values = {"CHAT", "PHONE"};
  return request;
}

}  // namespace

std::string today(const core::config& config) {
  return core::day_string(core::local_day_number(now_ms(), config.centre.utc_offset_minutes));
}

boost::asio::awaitable<report_result<v1::SummaryReport>> summary_report(queue::engine& queue, archive_service& archive,
                                                                        const core::config& config, std::string from,
                                                                        std::string to, stats::grouping by) {
  const auto range = period_of(config, std::move(from), std::move(to));
  if (!range) co_return stats::report_failure{make_error_code(stats::errc::bad_period), "bad period"};
  auto records = co_await archive.records(queue, range->first, range->second);
  if (!records) co_return archive_failure(records.error());
  auto request = request_for(config, range->first, range->second, by);
  request.source = source_of(*records, archive);
  co_return stats::summarize_records(*records, request);
}

boost::asio::awaitable<report_result<v1::DisclosureReport>> disclosure_report(queue::engine& queue,
                                                                              archive_service& archive,
                                                                              const core::config& config, int year) {
  if (year < 2000 || year > 9999)
    co_return stats::report_failure{make_error_code(stats::errc::bad_period), "year must be 2000-9999"};
  const auto y = std::to_string(year);
  auto records = co_await archive.records(queue, y + "-01-01", y + "-12-31");
  if (!records) co_return archive_failure(records.error());
  stats::disclosure_request request{config.centre.id,
                                    config.centre.name,
                                    year,
                                    config.centre.utc_offset_minutes,
                                    config.stats.service_level_seconds,
                                    config.stats.short_abandon_seconds,
                                    now_ms(),
                                    {},
                                    source_of(*records, archive)};
  for (const auto& c : config.routing.categories) request.categories.emplace_back(c.code, c.name);
  co_return stats::disclosure(*records, request);
}

boost::asio::awaitable<report_result<v1::StaffingReport>> staffing_report(queue::engine& queue,
                                                                          archive_service& archive,
                                                                          const core::config& config, std::string from,
                                                                          std::string to) {
  const auto range = period_of(config, std::move(from), std::move(to));
  if (!range) co_return stats::report_failure{make_error_code(stats::errc::bad_period), "bad period"};
  auto records = co_await archive.records(queue, range->first, range->second);
  if (!records) co_return archive_failure(records.error());
  auto by_hour = stats::summarize_records(
      *records, request_for(config, range->first, range->second, {stats::period::hour, stats::dimension::none}));
  if (!by_hour) co_return by_hour.error();
  const double days = static_cast<double>(*core::parse_day(range->second) - *core::parse_day(range->first) + 1);
  // Exponential patience, estimated as the time all callers spent waiting per abandon (the
  // maximum-likelihood estimate when answered callers' waits are censored patience).
  auto patience_of = [](const v1::SummaryRow& r) {
    const double waits = r.average_wait_seconds() * static_cast<double>(r.answered() + r.abandoned());
    return r.abandoned() > 0 ? waits / static_cast<double>(r.abandoned()) : 0.0;
  };
  const double overall_patience = patience_of(by_hour->total());
  const double overall_handle = by_hour->total().average_handle_time_seconds();
  std::vector<stats::staffing_input> hours;
  for (const auto& row : by_hour->rows()) {
    stats::staffing_input in;
    in.hour = std::stoi(row.key());
    in.arrivals_per_hour = static_cast<double>(row.offered()) / days;
    in.handle_seconds = row.has_average_handle_time_seconds() ? row.average_handle_time_seconds() : overall_handle;
    in.patience_seconds = row.abandoned() > 0 ? patience_of(row) : overall_patience;
    in.on_duty = row.signed_in_seconds() / 3600.0 / days;
    if (row.has_answer_rate()) in.measured_answer_rate = row.answer_rate();
    hours.push_back(in);
  }
  stats::staffing_targets targets;
  targets.service_level = config.stats.target_service_level_percent / 100.0;
  targets.service_level_seconds = config.stats.service_level_seconds;
  targets.answer_rate = config.stats.target_answer_rate_percent / 100.0;
  co_return stats::staffing_advice(hours, targets, range->first, range->second);
}

std::string floor_status(const queue::agent_view& agent) {
  // A lawyer with sessions is busy whatever their status says; the wallboard shows the floor.
  return agent.status == v1::AVAILABLE && agent.load > 0 ? std::string("BUSY") : v1::AgentStatus_Name(agent.status);
}

boost::asio::awaitable<boost::system::result<v1::Wallboard>> wallboard(queue::engine& queue,
                                                                       const core::config& config) {
  auto floor = co_await queue.floor_view();
  if (!floor) co_return floor.error();
  const auto day = today(config);
  auto counters = co_await queue.day_counters(day);
  if (!counters) co_return counters.error();
  const auto now = now_ms();
  v1::Wallboard board;
  board.set_at_ms(now);
  std::int64_t longest = 0;
  int waiting = 0;
  for (const auto& skill : floor->skills) {
    waiting += skill.waiting;
    if (skill.oldest_enqueued_ms) longest = std::max(longest, now - *skill.oldest_enqueued_ms);
  }
  board.set_waiting(waiting);
  board.set_longest_wait_seconds(static_cast<double>(longest) / 1000.0);
  for (const auto& a : floor->agents) (*board.mutable_lawyers_by_status())[floor_status(a)] += 1;
  stats::report_request request{config.centre.id,
                                day,
                                day,
                                stats::group_by::day,
                                config.centre.utc_offset_minutes,
                                config.stats.service_level_seconds,
                                config.stats.short_abandon_seconds};
  auto summary = stats::summarize({stats::day_counters{day, std::move(*counters)}}, request);
  if (!summary) co_return summary.error();
  *board.mutable_today() = summary->total();
  co_return board;
}

}  // namespace hotline::gateway
