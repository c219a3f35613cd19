// Figures from session records. Each session is booked in the row of its arrival with its final
// outcome (so a row balances), and the flow view books each first wait's start, end and every
// row boundary it crosses (so offered + carried in = resolved + carried out).
#include "periods.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/stats/records.hpp>

#include <algorithm>
#include <functional>
#include <set>

namespace hotline::stats {
namespace {

constexpr std::int64_t hour_ms = 3600000;
constexpr std::int64_t day_ms = 24 * hour_ms;

constexpr std::pair<std::string_view, period> period_names[] = {
    {"hour", period::hour},   {"day", period::day},         {"week", period::week},
    {"month", period::month}, {"quarter", period::quarter}, {"year", period::year},
};
constexpr std::pair<std::string_view, dimension> dimension_names[] = {
    {"channel", dimension::channel}, {"category", dimension::category}, {"language", dimension::language},
    {"lawyer", dimension::lawyer},   {"priority", dimension::priority},
};

// Sums of one row; the row's SummaryRow is made from them at the end.
struct tally {
  v1::SummaryRow row;
  std::int64_t wait_ms = 0;
  std::int64_t abandon_wait_ms = 0;
  std::int64_t handle_ms = 0;
  std::int64_t longest_wait_ms = 0;
};

// The calendar of one report: its time units (hours or local days) and the key of each.
class calendar {
 public:
  calendar(const records_request& request, std::int64_t from_day, std::int64_t to_day)
      : by_(request.by.by_period), offset_ms_(std::int64_t{request.utc_offset_minutes} * 60000) {
    begin_ms_ = from_day * day_ms - offset_ms_;
    end_ms_ = (to_day + 1) * day_ms - offset_ms_;
  }
  std::int64_t begin_ms() const { return begin_ms_; }
  std::int64_t end_ms() const { return end_ms_; }
  bool hourly() const { return by_ == period::hour; }
  /// The unit (local hour or local day number) containing a time.
  std::int64_t unit(std::int64_t ms) const {
    const auto local = ms + offset_ms_;
    const auto size = hourly() ? hour_ms : day_ms;
    return local >= 0 ? local / size : (local - size + 1) / size;
  }
  std::int64_t unit_begin_ms(std::int64_t unit) const { return unit * (hourly() ? hour_ms : day_ms) - offset_ms_; }
  std::string key(std::int64_t unit) const {
    switch (by_) {
      case period::none:
        return "";
      case period::hour: {
        const auto h = ((unit % 24) + 24) % 24;
        return (h < 10 ? "0" : "") + std::to_string(h);
      }
      default:
        return detail::calendar_key(unit, by_);
    }
  }

 private:
  period by_;
  std::int64_t offset_ms_;
  std::int64_t begin_ms_ = 0;
  std::int64_t end_ms_ = 0;
};

// The row value of a session or a ticket; `lawyer` is who answered (a ticket: who replied).
template <class Record>
std::string dimension_value(dimension d, const Record& r, const std::string& lawyer) {
  switch (d) {
    case dimension::channel:
      return v1::Channel_Name(r.channel());
    case dimension::category:
      return r.category();
    case dimension::language:
      return r.language();
    case dimension::lawyer:
      return lawyer.empty() ? "-" : lawyer;
    case dimension::priority:
      return v1::Priority_Name(r.priority());
    case dimension::none:
      break;
  }
  return "";
}

std::string dimension_value(dimension d, const v1::ArchivedSession& s) { return dimension_value(d, s, s.lawyer()); }
std::string dimension_value(dimension d, const v1::ArchivedTicket& t) { return dimension_value(d, t, t.replied_by()); }

std::string row_key(const std::string& period_key, const std::string& value) {
  if (period_key.empty()) return value;
  if (value.empty()) return period_key;
  return period_key + "|" + value;
}

// Books every record into rows keyed by key(unit, value); `whole` ignores the grouping (the total).
class ledger {
 public:
  ledger(const calendar& cal, const records_request& request, bool whole)
      : cal_(cal), request_(request), whole_(whole) {}

  tally& at(std::int64_t unit, const std::string& value) {
    const std::string p = whole_ ? "" : cal_.key(unit);
    const std::string v = whole_ ? "" : value;
    auto [it, inserted] = rows_.try_emplace(row_key(p, v));
    if (inserted) {
      it->second.row.set_period(p);
      it->second.row.set_dimension(v);
    }
    return it->second;
  }

  void book(const v1::ArchivedSession& s) {
    const auto value = dimension_value(request_.by.by_dimension, s);
    const auto outcome = first_wait_of(s);
    const bool arrived_in_range = s.enqueued_ms() >= cal_.begin_ms() && s.enqueued_ms() < cal_.end_ms();
    const auto wait_end = first_wait_end_ms(s);
    const bool waiting_at_begin = wait_end == 0 || wait_end >= cal_.begin_ms();
    if (!arrived_in_range && !(s.enqueued_ms() < cal_.begin_ms() && waiting_at_begin)) return;

    if (arrived_in_range) book_outcome(at(cal_.unit(s.enqueued_ms()), value), s, outcome);
    // The flow view: where the first wait began (or entered the range), ended, and what it crossed.
    const auto begin_unit = cal_.unit(std::max(s.enqueued_ms(), cal_.begin_ms()));
    const bool resolved = wait_end != 0 && wait_end < cal_.end_ms();
    const auto last_ms = resolved ? wait_end : std::min(cal_.end_ms(), request_.now_ms) - 1;
    const auto end_unit = std::max(begin_unit, cal_.unit(std::max(last_ms, cal_.begin_ms())));
    auto& first = at(begin_unit, value).row;
    if (arrived_in_range)
      first.set_offered(first.offered() + 1);
    else
      first.set_carried_in(first.carried_in() + 1);
    if (!whole_) {
      std::string previous = cal_.key(begin_unit);
      for (auto u = begin_unit + 1; u <= end_unit; ++u) {
        const auto next = cal_.key(u);
        if (next == previous) continue;
        auto& out = at(u - 1, value).row;
        out.set_carried_out(out.carried_out() + 1);
        auto& in = at(u, value).row;
        in.set_carried_in(in.carried_in() + 1);
        previous = next;
      }
    }
    auto& last = at(end_unit, value).row;
    if (resolved)
      last.set_resolved(last.resolved() + 1);
    else
      last.set_carried_out(last.carried_out() + 1);
    if (arrived_in_range && s.answered_ms() > 0 && s.closed_ms() > 0) book_handling(s, value);
  }

  void book(const v1::ArchivedTicket& t) {
    if (t.created_ms() < cal_.begin_ms() || t.created_ms() >= cal_.end_ms()) return;
    auto& r = at(cal_.unit(t.created_ms()), dimension_value(request_.by.by_dimension, t)).row;
    r.set_messages_received(r.messages_received() + 1);
    switch (t.state()) {
      case v1::DUPLICATE:
        r.set_messages_duplicate(r.messages_duplicate() + 1);
        break;
      case v1::REPLIED:
        r.set_messages_replied(r.messages_replied() + 1);
        if (t.replied_ms() <= t.deadline_ms()) r.set_messages_replied_on_time(r.messages_replied_on_time() + 1);
        break;
      default:
        r.set_messages_open(r.messages_open() + 1);
    }
  }

  /// Signed-in time, split over the units it covers; only rows that can have an occupancy get it.
  void book_signed_in(const std::string& lawyer, std::int64_t from_ms, std::int64_t to_ms) {
    const auto d = request_.by.by_dimension;
    if (!whole_ && d != dimension::none && d != dimension::lawyer) return;
    spread(from_ms, to_ms, [&](std::int64_t unit, double seconds) {
      auto& r = at(unit, d == dimension::lawyer ? lawyer : "").row;
      r.set_signed_in_seconds(r.signed_in_seconds() + seconds);
    });
  }

  /// Every row of the grouping exists, empty ones too: each period unit, each known value.
  void add_empty_rows(std::int64_t from_unit, std::int64_t to_unit) {
    if (whole_) {
      at(from_unit, "");
      return;
    }
    std::vector<std::string> values{""};
    if (request_.by.by_dimension != dimension::none) values = request_.known_values;
    const bool periods = request_.by.by_period != period::none;
    for (const auto& v : values) {
      if (v.empty() && request_.by.by_dimension != dimension::none) continue;
      if (!periods) {
        at(from_unit, v);
        continue;
      }
      for (auto u = from_unit; u <= to_unit && u < from_unit + 24 * 367; ++u) at(u, v);
    }
  }

  std::map<std::string, tally>& rows() { return rows_; }

 private:
  void book_outcome(tally& t, const v1::ArchivedSession& s, first_wait outcome) {
    auto& r = t.row;
    const auto waited = first_wait_end_ms(s) - s.enqueued_ms();
    switch (outcome) {
      case first_wait::answered:
        r.set_answered(r.answered() + 1);
        t.wait_ms += waited;
        if (waited <= std::int64_t{request_.service_level_seconds} * 1000)
          r.set_answered_within_service_level(r.answered_within_service_level() + 1);
        t.longest_wait_ms = std::max(t.longest_wait_ms, waited);
        break;
      case first_wait::abandoned:
        r.set_abandoned(r.abandoned() + 1);
        t.abandon_wait_ms += waited;
        if (waited < std::int64_t{request_.short_abandon_seconds} * 1000)
          r.set_short_abandoned(r.short_abandoned() + 1);
        t.longest_wait_ms = std::max(t.longest_wait_ms, waited);
        break;
      case first_wait::overflowed:
        r.set_overflowed(r.overflowed() + 1);
        break;
      case first_wait::waiting:
        r.set_waiting(r.waiting() + 1);
        break;
    }
    if (s.answered_ms() > 0 && s.closed_ms() > 0) {
      r.set_handled(r.handled() + 1);
      t.handle_ms += s.closed_ms() - s.answered_ms();
    }
    if (s.rating() != v1::RATING_UNSPECIFIED) {
      r.set_rated(r.rated() + 1);
      if (s.rating() == v1::SATISFIED) r.set_satisfied(r.satisfied() + 1);
      if (s.rating() == v1::BASIC_SATISFIED) r.set_basic_satisfied(r.basic_satisfied() + 1);
      if (s.rating() == v1::DISSATISFIED) r.set_dissatisfied(r.dissatisfied() + 1);
    }
    if (s.survey() == v1::NO_INPUT) r.set_survey_no_input(r.survey_no_input() + 1);
    if (s.survey() == v1::HUNG_UP) r.set_survey_hung_up(r.survey_hung_up() + 1);
    if (!s.transferred_to().empty()) {
      r.set_transferred_out(r.transferred_out() + 1);
      (*r.mutable_transferred_out_by_destination())[s.transferred_to()] += 1;
    }
    r.set_transferred_internal(r.transferred_internal() + s.transfers());
  }

  void book_handling(const v1::ArchivedSession& s, const std::string& value) {
    const auto d = request_.by.by_dimension;
    if (!whole_ && d != dimension::none && d != dimension::lawyer) return;
    spread(s.answered_ms(), s.closed_ms(), [&](std::int64_t unit, double seconds) {
      auto& r = at(unit, value).row;
      r.set_handling_seconds(r.handling_seconds() + seconds);
    });
  }

  // Calls f(unit, seconds) for each unit of [from_ms, to_ms) within the report's range.
  void spread(std::int64_t from_ms, std::int64_t to_ms, const std::function<void(std::int64_t, double)>& f) {
    from_ms = std::max(from_ms, cal_.begin_ms());
    to_ms = std::min({to_ms, cal_.end_ms(), request_.now_ms});
    while (from_ms < to_ms) {
      const auto unit = cal_.unit(from_ms);
      const auto next = std::min(to_ms, cal_.unit_begin_ms(unit + 1));
      f(unit, static_cast<double>(next - from_ms) / 1000.0);
      from_ms = next;
    }
  }

  const calendar& cal_;
  const records_request& request_;
  bool whole_;
  std::map<std::string, tally> rows_;
};

// Each lawyer's signed-in intervals (any status but OFFLINE) from the ordered status changes.
template <class F>
void for_each_signed_in(std::vector<v1::ArchivedStatusChange> changes, std::int64_t until_ms, F f) {
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return a.lawyer() != b.lawyer() ? a.lawyer() < b.lawyer() : a.at_ms() < b.at_ms();
  });
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& c = changes[i];
    if (c.status() == v1::OFFLINE || c.status() == v1::AGENT_STATUS_UNSPECIFIED) continue;
    const bool next_same = i + 1 < changes.size() && changes[i + 1].lawyer() == c.lawyer();
    f(c.lawyer(), c.at_ms(), next_same ? changes[i + 1].at_ms() : until_ms);
  }
}

void finish(tally& t) {
  auto& r = t.row;
  set_rates(r, t.wait_ms, t.handle_ms, t.longest_wait_ms);
  if (r.answered() + r.abandoned() > 0)
    r.set_average_wait_seconds(static_cast<double>(t.wait_ms + t.abandon_wait_ms) / 1000.0 /
                               static_cast<double>(r.answered() + r.abandoned()));
}

}  // namespace

std::optional<grouping> parse_grouping(std::string_view text) {
  grouping g{period::none, dimension::none};
  if (text.empty()) return grouping{};
  bool any = false;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    bool known = false;
    for (const auto& [name, p] : period_names)
      if (name == part && g.by_period == period::none) g.by_period = p, known = true;
    for (const auto& [name, d] : dimension_names)
      if (name == part && g.by_dimension == dimension::none) g.by_dimension = d, known = true;
    if (!known) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return g;
}

std::string to_string(const grouping& g) {
  std::string out;
  for (const auto& [name, p] : period_names)
    if (p == g.by_period) out = name;
  for (const auto& [name, d] : dimension_names)
    if (d == g.by_dimension) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

first_wait first_wait_of(const v1::ArchivedSession& s) {
  if (s.answered_ms() > 0) return first_wait::answered;
  if (s.state() == v1::ABANDONED) return first_wait::abandoned;
  if (s.state() == v1::OVERFLOWED) return first_wait::overflowed;
  return first_wait::waiting;
}

std::int64_t first_wait_end_ms(const v1::ArchivedSession& s) {
  switch (first_wait_of(s)) {
    case first_wait::answered:
      return s.answered_ms();
    case first_wait::abandoned:
    case first_wait::overflowed:
      return s.ended_ms();
    case first_wait::waiting:
      break;
  }
  return 0;
}

boost::system::result<v1::SummaryReport, report_failure> summarize_records(const record_set& records,
                                                                           const records_request& request) {
  const auto from = core::parse_day(request.from);
  const auto to = core::parse_day(request.to);
  if (!from || !to || *from > *to || *to - *from > 366)
    return report_failure{make_error_code(errc::bad_period), "from " + request.from + ", to " + request.to};

  const calendar cal(request, *from, *to);
  ledger rows(cal, request, false);
  ledger total(cal, request, true);
  rows.add_empty_rows(cal.unit(cal.begin_ms()), cal.unit(cal.end_ms() - 1));
  total.add_empty_rows(cal.unit(cal.begin_ms()), cal.unit(cal.begin_ms()));
  for (const auto& s : records.sessions) {
    rows.book(s);
    total.book(s);
  }
  for (const auto& t : records.tickets) {
    rows.book(t);
    total.book(t);
  }
  for_each_signed_in(records.status_changes, request.now_ms,
                     [&](const std::string& lawyer, std::int64_t begin, std::int64_t end) {
                       rows.book_signed_in(lawyer, begin, end);
                       total.book_signed_in(lawyer, begin, end);
                     });

  v1::SummaryReport report;
  report.set_centre(request.centre);
  report.set_from(request.from);
  report.set_to(request.to);
  report.set_group_by(to_string(request.by));
  for (const auto& [name, d] : dimension_names)
    if (d == request.by.by_dimension) report.set_dimension(std::string(name));
  report.set_timezone(core::utc_offset_string(request.utc_offset_minutes));
  report.set_service_level_seconds(request.service_level_seconds);
  report.set_short_abandon_seconds(request.short_abandon_seconds);
  report.set_source(request.source);
  for (auto& [key, t] : rows.rows()) {
    finish(t);
    t.row.set_key(key);
    if (auto broken = balance_violation(t.row); !broken.empty())
      return report_failure{make_error_code(errc::balance_violation), "row " + key + ": " + broken};
    *report.add_rows() = std::move(t.row);
  }
  auto& whole = total.rows().begin()->second;
  finish(whole);
  whole.row.set_key("total");
  if (auto broken = balance_violation(whole.row); !broken.empty())
    return report_failure{make_error_code(errc::balance_violation), "total: " + broken};
  *report.mutable_total() = std::move(whole.row);
  for (const auto& d : metric_definitions()) *report.add_definitions() = d;
  return report;
}

std::map<std::string, std::map<std::string, std::int64_t>> recount(const record_set& records, int service_level_seconds,
                                                                   int short_abandon_seconds) {
  std::map<std::string, std::map<std::string, std::int64_t>> days;
  auto add = [&](const std::string& day, const std::string& metric, const std::string& channel,
                 const std::string& category,
                 std::int64_t value) { days[day][metric + "|" + channel + "|" + category] += value; };
  for (const auto& s : records.sessions) {
    const auto channel = v1::Channel_Name(s.channel());
    auto count = [&](const std::string& metric, std::int64_t value = 1) {
      add(s.day(), metric, channel, s.category(), value);
    };
    auto longest = [&](std::int64_t waited) {
      auto& field = days[s.day()]["longest_wait_ms|" + channel + "|" + s.category()];
      field = std::max(field, waited);
    };
    count("offered");
    const auto waited = first_wait_end_ms(s) - s.enqueued_ms();
    switch (first_wait_of(s)) {
      case first_wait::answered:
        count("answered");
        count("wait_ms", waited);
        if (waited <= std::int64_t{service_level_seconds} * 1000) count("answered_in_sl");
        longest(waited);
        break;
      case first_wait::abandoned:
        count("abandoned");
        if (waited < std::int64_t{short_abandon_seconds} * 1000) count("short_abandoned");
        longest(waited);
        break;
      case first_wait::overflowed:
        count("overflowed");
        break;
      case first_wait::waiting:
        count("waiting");
        break;
    }
    if (s.answered_ms() > 0 && s.closed_ms() > 0) {
      count("handled");
      count("handle_ms", s.closed_ms() - s.answered_ms());
    }
    if (s.rating() != v1::RATING_UNSPECIFIED) {
      count("rated");
      if (s.rating() == v1::SATISFIED) count("satisfied");
      if (s.rating() == v1::BASIC_SATISFIED) count("basic_satisfied");
      if (s.rating() == v1::DISSATISFIED) count("dissatisfied");
    }
    if (s.survey() == v1::NO_INPUT) count("survey_no_input");
    if (s.survey() == v1::HUNG_UP) count("survey_hung_up");
    if (!s.transferred_to().empty()) count("transferred_out");
    if (s.transfers() > 0) count("transferred_internal", s.transfers());
  }
  for (const auto& t : records.tickets) {
    const auto channel = v1::Channel_Name(t.channel());
    auto count = [&](const std::string& metric) { add(t.day(), metric, channel, t.category(), 1); };
    count("messages_received");
    if (t.state() == v1::DUPLICATE) count("messages_duplicate");
    if (t.state() == v1::OPEN) count("messages_open");
    if (t.state() == v1::REPLIED) {
      count("messages_replied");
      if (t.replied_ms() <= t.deadline_ms()) count("messages_replied_on_time");
    }
  }
  return days;
}

}  // namespace hotline::stats
