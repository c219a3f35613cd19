// Report arithmetic and the balance identities, from hand-made day counters.
#include <hotline/stats/summary.hpp>

#include <gtest/gtest.h>

using namespace hotline;
using stats::day_counters;

namespace {

stats::report_request request(const std::string& from, const std::string& to, stats::group_by by) {
  return {"xm", from, to, by, 480, 15, 5};
}

day_counters day_one() {
  return {"2026-12-01", {{"offered|CHAT|consult.marriage", 6},         {"answered|CHAT|consult.marriage", 4},
                         {"abandoned|CHAT|consult.marriage", 2},       {"short_abandoned|CHAT|consult.marriage", 1},
                         {"waiting|CHAT|consult.marriage", 0},         {"answered_in_sl|CHAT|consult.marriage", 3},
                         {"wait_ms|CHAT|consult.marriage", 40000},     {"longest_wait_ms|CHAT|consult.marriage", 30000},
                         {"handled|CHAT|consult.marriage", 4},         {"handle_ms|CHAT|consult.marriage", 1200000},
                         {"rated|CHAT|consult.marriage", 3},           {"satisfied|CHAT|consult.marriage", 2},
                         {"basic_satisfied|CHAT|consult.marriage", 0}, {"dissatisfied|CHAT|consult.marriage", 1},
                         {"offered|CHAT|consult.labour", 2},           {"answered|CHAT|consult.labour", 1},
                         {"waiting|CHAT|consult.labour", 1},           {"longest_wait_ms|CHAT|consult.labour", 50000},
                         {"wait_ms|CHAT|consult.labour", 10000},       {"rated|CHAT|consult.labour", 1},
                         {"basic_satisfied|CHAT|consult.labour", 1}}};
}

}  // namespace

TEST(Summary, RatesFollowTheirDefinitions) {
  auto report = stats::summarize({day_one()}, request("2026-12-01", "2026-12-01", stats::group_by::day));
  ASSERT_TRUE(report) << report.error().message();
  const auto& t = report->total();
  EXPECT_EQ(t.offered(), 8);
  EXPECT_EQ(t.answered(), 5);
  EXPECT_EQ(t.abandoned(), 2);
  EXPECT_EQ(t.waiting(), 1);
  EXPECT_DOUBLE_EQ(t.answer_rate(), 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(t.answer_rate_excluding_short_abandons(), 5.0 / 7.0);
  EXPECT_DOUBLE_EQ(t.service_level(), 3.0 / 8.0);
  // 满意率 = (满意 + 基本满意) ÷ rated = (2 + 1) ÷ 4
  EXPECT_DOUBLE_EQ(t.satisfaction(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(t.rating_rate(), 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(t.average_speed_of_answer_seconds(), 50.0 / 5.0);
  EXPECT_DOUBLE_EQ(t.average_handle_time_seconds(), 1200.0 / 4.0);
  EXPECT_DOUBLE_EQ(t.longest_wait_seconds(), 50.0);  // a maximum, not a sum
  ASSERT_EQ(report->rows_size(), 1);
  EXPECT_FALSE(report->definitions().empty());
}

TEST(Summary, PhoneSurveysWithoutARatingComeFromTheirOwnCounters) {
  day_counters phone{"2026-12-01", {{"offered|PHONE|consult.marriage", 4},
                                    {"answered|PHONE|consult.marriage", 4},
                                    {"rated|PHONE|consult.marriage", 1},
                                    {"satisfied|PHONE|consult.marriage", 1},
                                    {"survey_no_input|PHONE|consult.marriage", 2},
                                    {"survey_hung_up|PHONE|consult.marriage", 1}}};
  auto report = stats::summarize({phone}, request("2026-12-01", "2026-12-01", stats::group_by::day));
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->total().survey_no_input(), 2);
  EXPECT_EQ(report->total().survey_hung_up(), 1);
  EXPECT_EQ(report->total().rated(), 1);
}

TEST(Summary, GroupsByCategoryAndFillsEmptyDays) {
  auto by_category = stats::summarize({day_one()}, request("2026-12-01", "2026-12-01", stats::group_by::category));
  ASSERT_TRUE(by_category);
  ASSERT_EQ(by_category->rows_size(), 2);
  EXPECT_EQ(by_category->rows(0).key(), "consult.labour");
  EXPECT_EQ(by_category->rows(1).offered(), 6);

  day_counters empty{"2026-12-02", {}};
  auto by_day = stats::summarize({day_one(), empty}, request("2026-12-01", "2026-12-02", stats::group_by::day));
  ASSERT_TRUE(by_day);
  ASSERT_EQ(by_day->rows_size(), 2);
  EXPECT_EQ(by_day->rows(1).offered(), 0);
  EXPECT_FALSE(by_day->rows(1).has_answer_rate()) << "no denominator, no rate";
  EXPECT_FALSE(by_day->rows(1).has_satisfaction());
}

TEST(Summary, DaysOutsideThePeriodAreIgnored) {
  auto report = stats::summarize({day_one()}, request("2026-12-02", "2026-12-03", stats::group_by::day));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->total().offered(), 0);
}

TEST(Summary, AnUnbalancedPeriodIsAnError) {
  auto broken = day_one();
  broken.counters["answered|CHAT|consult.marriage"] += 1;  // answered without having been offered
  auto report = stats::summarize({broken}, request("2026-12-01", "2026-12-01", stats::group_by::day));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error(), stats::errc::balance_violation);

  auto ratings = day_one();
  ratings.counters["rated|CHAT|consult.labour"] += 1;
  EXPECT_FALSE(stats::summarize({ratings}, request("2026-12-01", "2026-12-01", stats::group_by::day)));
}

TEST(Summary, BadPeriodsAreRefused) {
  EXPECT_EQ(stats::summarize({}, request("2026-12-02", "2026-12-01", stats::group_by::day)).error(),
            stats::errc::bad_period);
  EXPECT_EQ(stats::summarize({}, request("2026-02-30", "2026-03-01", stats::group_by::day)).error(),
            stats::errc::bad_period);
  EXPECT_EQ(stats::summarize({}, request("2024-01-01", "2026-01-01", stats::group_by::day)).error(),
            stats::errc::bad_period);
  EXPECT_FALSE(stats::parse_group_by("hour")) << "counters are per day";
  EXPECT_EQ(stats::parse_group_by(""), stats::group_by::day);
}

TEST(Summary, MessagesBalanceAndGiveTheReplyRateOverDistinctTickets) {
  day_counters day{"2026-12-01",
                   {{"offered|CHAT|consult.labour", 4},
                    {"overflowed|CHAT|consult.labour", 4},
                    {"messages_received|CHAT|consult.labour", 4},
                    {"messages_duplicate|CHAT|consult.labour", 2},
                    {"messages_replied|CHAT|consult.labour", 1},
                    {"messages_replied_on_time|CHAT|consult.labour", 1},
                    {"messages_open|CHAT|consult.labour", 1}}};
  auto report = stats::summarize({day}, request("2026-12-01", "2026-12-01", stats::group_by::category));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->total().messages_received(), 4);
  EXPECT_DOUBLE_EQ(report->total().reply_rate(), 0.5) << "1 replied of 2 distinct tickets";
  EXPECT_DOUBLE_EQ(report->total().on_time_reply_rate(), 0.5);
  day.counters["messages_open|CHAT|consult.labour"] = 0;  // a ticket lost between received and replied
  EXPECT_EQ(stats::summarize({day}, request("2026-12-01", "2026-12-01", stats::group_by::day)).error(),
            stats::errc::balance_violation);
}

TEST(Summary, PeriodGroupingsSumTheDaysOfEachPeriod) {
  auto day = [](const std::string& d, std::int64_t offered) {
    return day_counters{d, {{"offered|CHAT|consult.marriage", offered}, {"waiting|CHAT|consult.marriage", offered}}};
  };
  // 2026-12-27 is a Sunday (ISO week 52), 2026-12-28 a Monday (week 53: 2026 has 53 ISO weeks),
  // 2027-01-01 a Friday, still in 2026-W53.
  const std::vector<day_counters> days{day("2026-09-30", 1), day("2026-10-01", 2), day("2026-12-27", 4),
                                       day("2026-12-28", 8), day("2027-01-01", 16)};
  auto keys = [&](stats::group_by by) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    auto report = stats::summarize(days, request("2026-09-30", "2027-01-01", by));
    EXPECT_TRUE(report);
    if (report)
      for (const auto& row : report->rows()) out.emplace_back(row.key(), row.offered());
    return out;
  };
  using rows = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(keys(stats::group_by::month), (rows{{"2026-09", 1}, {"2026-10", 2}, {"2026-12", 12}, {"2027-01", 16}}));
  EXPECT_EQ(keys(stats::group_by::quarter), (rows{{"2026-Q3", 1}, {"2026-Q4", 14}, {"2027-Q1", 16}}));
  EXPECT_EQ(keys(stats::group_by::year), (rows{{"2026", 15}, {"2027", 16}}));
  EXPECT_EQ(keys(stats::group_by::week), (rows{{"2026-W40", 3}, {"2026-W52", 4}, {"2026-W53", 24}}));
  EXPECT_EQ(stats::parse_group_by("quarter"), stats::group_by::quarter);
  EXPECT_FALSE(stats::parse_group_by("decade"));
}
