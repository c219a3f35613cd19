#pragma once
// Calendar days in the centre's time zone: the unit every counter and report is booked by.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::core {

/// Days since 1970-01-01 of the local day that contains `unix_ms`, at a fixed UTC offset.
std::int64_t local_day_number(std::int64_t unix_ms, int utc_offset_minutes);

/// "YYYY-MM-DD" of a day number.
std::string day_string(std::int64_t day_number);

/// The day number of "YYYY-MM-DD", or nothing when it is not a real date.
std::optional<std::int64_t> parse_day(std::string_view text);

/// "+08:00" for 480.
std::string utc_offset_string(int utc_offset_minutes);

}  // namespace hotline::core
