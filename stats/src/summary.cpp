// Report arithmetic. Sessions are booked on the day they entered the queue, so each row's
// identities hold exactly: offered = answered + abandoned + overflowed + transferred + waiting.
#include "hotline/stats/summary.hpp"

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

std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

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
  row.set_handled(t.get("handled"));
  row.set_transferred_out(t.get("transferred_out"));
  row.set_transferred_internal(t.get("transferred_internal"));
  row.set_messages_received(t.get("messages_received"));
  row.set_messages_duplicate(t.get("messages_duplicate"));
  row.set_messages_replied(t.get("messages_replied"));
  row.set_messages_replied_on_time(t.get("messages_replied_on_time"));
  row.set_messages_open(t.get("messages_open"));
  const auto distinct_messages = row.messages_received() - row.messages_duplicate();
  if (auto r = ratio(row.messages_replied(), distinct_messages)) row.set_reply_rate(*r);
  if (auto r = ratio(row.messages_replied_on_time(), distinct_messages)) row.set_on_time_reply_rate(*r);
  if (auto r = ratio(row.answered(), row.offered())) row.set_answer_rate(*r);
  if (auto r = ratio(row.answered(), row.offered() - row.short_abandoned()))
    row.set_answer_rate_excluding_short_abandons(*r);
  if (auto r = ratio(row.answered_within_service_level(), row.offered())) row.set_service_level(*r);
  if (auto r = ratio(row.satisfied() + row.basic_satisfied(), row.rated())) row.set_satisfaction(*r);
  if (auto r = ratio(row.rated(), row.answered())) row.set_rating_rate(*r);
  if (auto r = ratio(t.get("wait_ms"), row.answered())) row.set_average_speed_of_answer_seconds(*r / 1000.0);
  if (auto r = ratio(t.get("handle_ms"), row.handled())) row.set_average_handle_time_seconds(*r / 1000.0);
  row.set_longest_wait_seconds(static_cast<double>(t.get("longest_wait_ms")) / 1000.0);
  return row;
}

bool balances(const v1::SummaryRow& r) {
  const bool sessions =
      r.offered() == r.answered() + r.abandoned() + r.overflowed() + r.transferred_before_answer() + r.waiting();
  const bool ratings = r.rated() == r.satisfied() + r.basic_satisfied() + r.dissatisfied();
  const bool messages = r.messages_received() == r.messages_replied() + r.messages_duplicate() + r.messages_open() &&
                        r.messages_replied_on_time() <= r.messages_replied() && r.messages_open() >= 0;
  return sessions && ratings && messages && r.transferred_out() <= r.answered() && r.rated() <= r.answered() &&
         r.short_abandoned() <= r.abandoned() && r.handled() <= r.answered() &&
         r.answered_within_service_level() <= r.answered() && r.waiting() >= 0;
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

// The ISO 8601 week of a day ("2026-W49"): weeks start on Monday, and a week belongs to the year
// of its Thursday. Day 0 (1970-01-01) was a Thursday.
std::string iso_week(std::int64_t day) {
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;  // Monday = 0
  const std::int64_t thursday = day - weekday + 3;
  const std::string year = core::day_string(thursday).substr(0, 4);
  const auto first = core::parse_day(year + "-01-01").value_or(thursday);
  const auto week = (thursday - first) / 7 + 1;
  return year + "-W" + (week < 10 ? "0" : "") + std::to_string(week);
}

// The row a day's counters go to, for the period groupings.
std::string period_of(const std::string& day, std::int64_t number, group_by by) {
  switch (by) {
    case group_by::week:
      return iso_week(number);
    case group_by::month:
      return day.substr(0, 7);
    case group_by::quarter:
      return day.substr(0, 4) + "-Q" + std::to_string((std::stoi(day.substr(5, 2)) - 1) / 3 + 1);
    case group_by::year:
      return day.substr(0, 4);
    default:
      return day;
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

const std::vector<std::pair<std::string, std::string>>& metric_definitions() {
  static const std::vector<std::pair<std::string, std::string>> all{
      {"offered", "呼入量: sessions that entered a queue in the period"},
      {"answered", "接通量: of those, sessions a lawyer accepted"},
      {"abandoned", "放弃量: of those, sessions whose caller left while waiting (short abandons included)"},
      {"short_abandoned", "短时放弃: abandoned within the short-abandon threshold of joining"},
      {"waiting", "sessions of the period still waiting when the report was made"},
      {"answer_rate", "接通率 = answered ÷ offered"},
      {"answer_rate_excluding_short_abandons",
       "接通率 (excl. short abandons) = answered ÷ (offered − short abandoned)"},
      {"service_level", "answered within the service-level threshold ÷ offered"},
      {"average_speed_of_answer_seconds", "ASA: mean wait of answered sessions, from joining to acceptance"},
      {"average_handle_time_seconds", "AHT: mean talk + wrap-up time of handled sessions (accept to work order filed)"},
      {"longest_wait_seconds", "longest wait of any answered or abandoned session"},
      {"satisfaction", "满意率 = (满意 + 基本满意) ÷ rated"},
      {"rating_rate", "评价率 = rated ÷ answered"},
      {"overflowed", "转留言: of those, sessions whose caller left a message or callback request instead of waiting"},
      {"transferred_out", "转外线: answered sessions a lawyer sent on to another hotline (12345, 110, …)"},
      {"transferred_internal", "内部转接: moves of answered sessions to another category (not new arrivals)"},
      {"messages_received", "留言量: message and callback tickets left in the period, duplicates included"},
      {"messages_duplicate", "重复留言: same contact and question as a ticket of the previous 24 hours"},
      {"reply_rate", "回复率 = replied ÷ (received − duplicate)"},
      {"on_time_reply_rate", "按时回复率 = replied within the reply deadline ÷ (received − duplicate)"},
      {"balance",
       "offered = answered + abandoned + overflowed + transferred before answer + waiting; "
       "messages received = replied + duplicate + open"},
  };
  return all;
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
    const std::string period = period_of(day.day, *number, request.by);
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
    if (!balances(row)) return make_error_code(errc::balance_violation);
    *report.add_rows() = std::move(row);
  }
  auto total = make_row("total", all);
  if (!balances(total)) return make_error_code(errc::balance_violation);
  *report.mutable_total() = std::move(total);
  for (const auto& [name, definition] : metric_definitions()) {
    auto* d = report.add_definitions();
    d->set_name(name);
    d->set_definition(definition);
  }
  return report;
}

}  // namespace hotline::stats
