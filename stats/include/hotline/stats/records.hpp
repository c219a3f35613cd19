#pragma once
// Reports from session records: the archived past and the live sessions, counted by one function.
// Every figure of docs/metrics.md is derived here from the facts of each session and ticket.

#include <hotline/proto/hotline.pb.h>
#include <hotline/stats/summary.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::stats {

/// The time unit of a report's rows. hour = hour of day (00–23) over the whole range.
enum class period { none, hour, day, week, month, quarter, year };
/// What else a row is split by.
enum class dimension { none, channel, category, language, lawyer, priority };

struct grouping {
  period by_period = period::day;
  dimension by_dimension = dimension::none;
};

/// "day", "category", "month,category" (a period and a dimension, either order); empty is "day".
std::optional<grouping> parse_grouping(std::string_view text);
std::string to_string(const grouping& g);

/// What a report counts: sessions and tickets whose day is in the range (sessions of the day
/// before too, for the callers carried into the first day), and lawyers' status changes.
struct record_set {
  std::vector<v1::ArchivedSession> sessions;
  std::vector<v1::ArchivedTicket> tickets;
  std::vector<v1::ArchivedStatusChange> status_changes;
};

struct records_request {
  std::string centre;
  std::string from;  ///< YYYY-MM-DD, inclusive
  std::string to;    ///< inclusive
  grouping by;
  int utc_offset_minutes = 480;
  int service_level_seconds = 15;
  int short_abandon_seconds = 5;
  std::int64_t now_ms = 0;  ///< waits still going are counted up to here
  /// Dimension values that get a row even when empty (the catalog's categories, the channels).
  std::vector<std::string> known_values;
  std::string source;  ///< where the records came from, printed with the report
};

/// Rows by the grouping (every period of the range, every known value), a total, every rate,
/// and both balance identities checked on each row: a violation is errc::balance_violation.
boost::system::result<v1::SummaryReport, report_failure> summarize_records(const record_set& records,
                                                                           const records_request& request);

/// The day counters the queue's scripts should have written for these sessions and tickets, as
/// {day → "metric|channel|category" → value}: the independent recount `hotline report rebuild`
/// compares with Redis.
std::map<std::string, std::map<std::string, std::int64_t>> recount(const record_set& records, int service_level_seconds,
                                                                   int short_abandon_seconds);

/// The first wait's outcome of a session, derived from its facts.
enum class first_wait { waiting, answered, abandoned, overflowed };
first_wait first_wait_of(const v1::ArchivedSession& s);
/// When the first wait ended (0 while it goes on).
std::int64_t first_wait_end_ms(const v1::ArchivedSession& s);

}  // namespace hotline::stats
