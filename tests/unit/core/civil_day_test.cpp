// Day arithmetic: the booking unit of every counter.
#include <hotline/core/civil_day.hpp>

#include <gtest/gtest.h>

using namespace hotline::core;

TEST(CivilDay, ChinaMidnightIsUtcSixteenHundred) {
  // 2026-12-01T16:00:00Z is 2026-12-02 00:00 in China.
  const std::int64_t ms = 1796140800000;
  EXPECT_EQ(day_string(local_day_number(ms, 480)), "2026-12-02");
  EXPECT_EQ(day_string(local_day_number(ms - 1, 480)), "2026-12-01");
  EXPECT_EQ(day_string(local_day_number(ms, 0)), "2026-12-01");
}

TEST(CivilDay, RoundTripsAcrossLeapYears) {
  for (std::int64_t day = -800; day < 30000; day += 37) {
    const auto text = day_string(day);
    ASSERT_EQ(parse_day(text), day) << text;
  }
  EXPECT_EQ(day_string(0), "1970-01-01");
  EXPECT_EQ(parse_day("2024-02-29"), parse_day("2024-02-28").value() + 1);
}

TEST(CivilDay, RejectsImpossibleDates) {
  EXPECT_FALSE(parse_day("2026-02-30"));
  EXPECT_FALSE(parse_day("2025-02-29"));
  EXPECT_FALSE(parse_day("2026-13-01"));
  EXPECT_FALSE(parse_day("2026-1-01"));
  EXPECT_FALSE(parse_day("yesterday"));
  EXPECT_FALSE(parse_day(""));
}

TEST(CivilDay, OffsetStrings) {
  EXPECT_EQ(utc_offset_string(480), "+08:00");
  EXPECT_EQ(utc_offset_string(-330), "-05:30");
  EXPECT_EQ(utc_offset_string(0), "+00:00");
}
