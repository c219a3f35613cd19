#pragma once
// Internal: the calendar keys report rows are grouped by.

#include <hotline/stats/records.hpp>

#include <cstdint>
#include <string>

namespace hotline::stats::detail {

/// The ISO 8601 week of a day ("2026-W49"): weeks start on Monday, and a week belongs to the
/// year of its Thursday.
std::string iso_week(std::int64_t day);

/// The row key of a day for a calendar period: "2026-12-01", "2026-W49", "2026-12", "2026-Q4", "2026".
std::string calendar_key(std::int64_t day, period p);

}  // namespace hotline::stats::detail
