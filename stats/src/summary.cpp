// Report arithmetic. Sessions are booked on the day they entered the queue, so each row's
// identities hold exactly: offered = answered + abandoned + overflowed + transferred + waiting.
#include "hotline/stats/summary.hpp"

#include "periods.hpp"

#include <hotline/core/civil_day.hpp>

#include <algorithm>

namespace hotline::stats {
namespace {

struct totals {
  std::map<std::string, std::int64_t> sums;  // metric → sum (longest_wait_ms: max)

  void add(const std::string& metric, std::int64_t value) {
    if (metric == "longest_wait_ms")
      sums[metric] = std::max(sums[metric], value);
    else
      sums[metric] += value;
  }
  std::int64_t get(const std::string& metric) const {
    auto found = sums.find(metric);
    return found == sums.end() ? 0 : found->second;
  }
};

v1::SummaryRow make_row(const std::string& key, const totals& t) {
  v1::SummaryRow row;
  row.set_key(key);
  row.set_offered(t.get("offered"));
  row.set_answered(t.get("answered"));
  row.set_abandoned(t.get("abandoned"));
  row.set_short_abandoned(t.get("short_abandoned"));
  row.set_overflowed(t.get("overflowed"));
  row.set_transferred_before_answer(t.get("transferred_before_answer"));
  row.set_waiting(t.get("waiting"));
  row.set_answered_within_service_level(t.get("answered_in_sl"));
  row.set_rated(t.get("rated"));
  row.set_satisfied(t.get("satisfied"));
  row.set_basic_satisfied(t.get("basic_satisfied"));
  row.set_dissatisfied(t.get("dissatisfied"));
  row.set_survey_no_input(t.get("survey_no_input"));
  row.set_survey_hung_up(t.get("survey_hung_up"));
  row.set_handled(t.get("handled"));
  row.set_transferred_out(t.get("transferred_out"));
  row.set_transferred_internal(t.get("transferred_internal"));
  row.set_messages_received(t.get("messages_received"));
  row.set_messages_duplicate(t.get("messages_duplicate"));
  row.set_messages_replied(t.get("messages_replied"));
  row.set_messages_replied_on_time(t.get("messages_replied_on_time"));
  row.set_messages_open(t.get("messages_open"));
  // Counters book by arrival only: the flow view is what is still waiting and what is not.
  row.set_resolved(row.offered() - row.waiting());
  row.set_carried_out(row.waiting());
  set_rates(row, t.get("wait_ms"), t.get("handle_ms"), t.get("longest_wait_ms"));
  return row;
}

// "offered|CHAT|consult.marriage" → {metric, channel, category}
bool split_field(const std::string& field, std::string& metric, std::string& channel, std::string& category) {
  const auto first = field.find('|');
  const auto second = field.find('|', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return false;
  metric = field.substr(0, first);
  channel = field.substr(first + 1, second - first - 1);
  category = field.substr(second + 1);
  return true;
}

}  // namespace

namespace {

constexpr std::pair<std::string_view, group_by> group_names[] = {
    {"day", group_by::day},         {"week", group_by::week}, {"month", group_by::month},
    {"quarter", group_by::quarter}, {"year", group_by::year}, {"category", group_by::category},
    {"channel", group_by::channel},
};

// The row a day's counters go to, for the period groupings.
std::string period_of(std::int64_t number, group_by by) {
  switch (by) {
    case group_by::week:
      return detail::calendar_key(number, period::week);
    case group_by::month:
      return detail::calendar_key(number, period::month);
    case group_by::quarter:
      return detail::calendar_key(number, period::quarter);
    case group_by::year:
      return detail::calendar_key(number, period::year);
    default:
      return detail::calendar_key(number, period::day);
  }
}

}  // namespace

std::optional<group_by> parse_group_by(std::string_view text) {
  if (text.empty()) return group_by::day;
  for (const auto& [name, value] : group_names)
    if (name == text) return value;
  return std::nullopt;
}

std::string_view to_string(group_by g) {
  for (const auto& [name, value] : group_names)
    if (value == g) return name;
  return "day";
}

boost::system::result<v1::SummaryReport> summarize(const std::vector<day_counters>& days,
                                                   const report_request& request) {
  const auto from = core::parse_day(request.from);
  const auto to = core::parse_day(request.to);
  if (!from || !to || *from > *to || *to - *from > 366) return make_error_code(errc::bad_period);

  std::map<std::string, totals> groups;
  totals all;
  for (const auto& day : days) {
    const auto number = core::parse_day(day.day);
    if (!number || *number < *from || *number > *to) continue;
    const bool by_period = request.by != group_by::category && request.by != group_by::channel;
    const std::string period = period_of(*number, request.by);
    if (by_period) groups[period];  // a period with no sessions still gets its row
    for (const auto& [field, value] : day.counters) {
      std::string metric, channel, category;
      if (!split_field(field, metric, channel, category)) continue;
      const std::string key = by_period ? period : request.by == group_by::category ? category : channel;
      groups[key].add(metric, value);
      all.add(metric, value);
    }
  }

  v1::SummaryReport report;
  report.set_centre(request.centre);
  report.set_from(request.from);
  report.set_to(request.to);
  report.set_group_by(std::string(to_string(request.by)));
  report.set_timezone(core::utc_offset_string(request.utc_offset_minutes));
  report.set_service_level_seconds(request.service_level_seconds);
  report.set_short_abandon_seconds(request.short_abandon_seconds);
  for (const auto& [key, t] : groups) {
    auto row = make_row(key, t);
    if (!balance_violation(row).empty()) return make_error_code(errc::balance_violation);
    *report.add_rows() = std::move(row);
  }
  auto total = make_row("total", all);
  if (!balance_violation(total).empty()) return make_error_code(errc::balance_violation);
  *report.mutable_total() = std::move(total);
  for (const auto& d : metric_definitions()) *report.add_definitions() = d;
  return report;
}

}  // namespace hotline::stats
