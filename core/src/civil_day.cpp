// Proleptic Gregorian day arithmetic (H. Hinnant's days_from_civil / civil_from_days).
// queue/lua/_lib.lua computes the same day from Redis TIME; tests check that both agree.
#include "hotline/core/civil_day.hpp"

#include <charconv>
#include <cstdio>

namespace hotline::core {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

}  // namespace

std::int64_t local_day_number(std::int64_t unix_ms, int utc_offset_minutes) {
  return floor_div(unix_ms + std::int64_t{utc_offset_minutes} * 60'000, 86'400'000);
}

std::string day_string(std::int64_t day_number) {
  const civil c = civil_from_days(day_number);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buffer;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<unsigned> {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc{} || end != text.data() + pos + len) return std::nullopt;
    return value;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  const std::int64_t days = days_from_civil(*y, *m, *d);
  // Reject 2026-02-30 and the like: the day must survive the round trip.
  const civil back = civil_from_days(days);
  if (back.month != *m || back.day != *d) return std::nullopt;
  return days;
}

std::string utc_offset_string(int utc_offset_minutes) {
  const char sign = utc_offset_minutes < 0 ? '-' : '+';
  const int magnitude = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", sign, magnitude / 60, magnitude % 60);
  return buffer;
}

}  // namespace hotline::core
