// ISO 8601 weeks for the week grouping.
#include "periods.hpp"

#include <hotline/core/civil_day.hpp>

namespace hotline::stats::detail {

// Day 0 (1970-01-01) was a Thursday.
std::string iso_week(std::int64_t day) {
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;  // Monday = 0
  const std::int64_t thursday = day - weekday + 3;
  const std::string year = core::day_string(thursday).substr(0, 4);
  const auto first = core::parse_day(year + "-01-01").value_or(thursday);
  const auto week = (thursday - first) / 7 + 1;
  return year + "-W" + (week < 10 ? "0" : "") + std::to_string(week);
}

std::string calendar_key(std::int64_t day, period p) {
  const std::string text = core::day_string(day);
  switch (p) {
    case period::week:
      return iso_week(day);
    case period::month:
      return text.substr(0, 7);
    case period::quarter:
      return text.substr(0, 4) + "-Q" + std::to_string((std::stoi(text.substr(5, 2)) - 1) / 3 + 1);
    case period::year:
      return text.substr(0, 4);
    default:
      return text;
  }
}

}  // namespace hotline::stats::detail
