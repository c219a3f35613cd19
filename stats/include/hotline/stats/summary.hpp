#pragma once
// The summary report: figures computed from the day counters exactly as docs/metrics.md defines
// them, with the balance identities checked on every report.

#include <hotline/proto/hotline.pb.h>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::stats {

enum class errc {
  balance_violation = 1,  ///< the counters do not add up: the report is refused, not footnoted
  bad_period,
  bad_group_by,
  archive_unavailable,  ///< the SQL archive failed; the detail says how
};

const boost::system::error_category& stats_category() noexcept;

/// A refused report: the error, and for a balance violation the row and the numbers that disagree.
struct report_failure {
  boost::system::error_code code;
  std::string detail;
};
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), stats_category()}; }

/// A period (day, ISO week, month, quarter, year) or a dimension of the sessions.
enum class group_by { day, week, month, quarter, year, category, channel };
std::optional<group_by> parse_group_by(std::string_view text);
std::string_view to_string(group_by g);

/// One day's raw counters, "metric|channel|category" → value, as the queue scripts write them.
struct day_counters {
  std::string day;  ///< YYYY-MM-DD
  std::map<std::string, std::int64_t> counters;
};

struct report_request {
  std::string centre;
  std::string from;  ///< inclusive
  std::string to;    ///< inclusive
  group_by by = group_by::day;
  int utc_offset_minutes = 480;
  int service_level_seconds = 15;
  int short_abandon_seconds = 5;
};

/// The written definition of every figure and the base it is taken over; the report carries them.
const std::vector<v1::MetricDefinition>& metric_definitions();

/// Sets a row's rates from its counts (absent when the base is zero), as docs/metrics.md defines.
void set_rates(v1::SummaryRow& row, std::int64_t wait_ms, std::int64_t handle_ms, std::int64_t longest_wait_ms);
/// The balance identities of one row; empty when they hold, else which fails with its numbers.
std::string balance_violation(const v1::SummaryRow& row);

/// Sums the counters into rows (one per group, sorted by key) and a total, computes every rate,
/// and checks the identities of every row and the total; a violation is errc::balance_violation.
boost::system::result<v1::SummaryReport> summarize(const std::vector<day_counters>& days,
                                                   const report_request& request);

}  // namespace hotline::stats

template <>
struct boost::system::is_error_code_enum<hotline::stats::errc> : std::true_type {};
