// Erlang C and Erlang A against published figures and their limits, the staffing searches, and the
// staffing report on a hand-made day.
#include <hotline/stats/staffing.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace hotline;
namespace erlang = stats::erlang;

namespace {

// The worked example of Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked
// Example" (callcentrehelper.com): 100 calls per half hour, AHT 180 s, target answer time 20 s,
// so 10 erlangs. Its figures are printed again, to seven digits, by the CRAN package ErlangC 0.1.0
// README (erlang_c(100, 30 min, 180 s, 20 s, 14) and the calculate_agents() table) and by the
// pyworkforce 0.1.0 README on PyPI (ErlangC(transactions=100, aht=3, asa=20/60, interval=30)).
constexpr double example_arrivals = 100.0 / 1800.0;  // per second
constexpr double example_handle = 180.0;
constexpr double example_threshold = 20.0;

// Erlang C written out term by term in log space: a check on the recursion that shares no code with it.
double erlang_c_by_terms(int n, double a) {
  std::vector<double> logs;
  for (int k = 0; k < n; ++k) logs.push_back(k * std::log(a) - std::lgamma(k + 1.0));
  const double last = n * std::log(a) - std::lgamma(n + 1.0) + std::log(n / (n - a));
  double top = 0.0;
  for (double x : logs) top = std::max(top, x);
  top = std::max(top, last);
  double sum = std::exp(last - top);
  for (double x : logs) sum += std::exp(x - top);
  return std::exp(last - top) / sum;
}

stats::staffing_input hour(int h, double arrivals, double patience, double on_duty) {
  return {h, arrivals, 600.0, patience, on_duty, std::nullopt};
}

}  // namespace

TEST(ErlangC, MatchesThePublishedWorkedExample) {
  // 11 agents: P(wait) 68.21%, service level 38.96%; 14 agents: 17.41%, 88.84%, ASA 7.84 s.
  EXPECT_NEAR(erlang::wait_probability(11, 10.0), 0.6821182, 1e-7);
  EXPECT_NEAR(erlang::service_level_c(11, example_arrivals, example_handle, example_threshold), 0.3896138, 1e-7);
  EXPECT_NEAR(erlang::wait_probability(14, 10.0), 0.1741319335950498, 1e-9);
  EXPECT_NEAR(erlang::service_level_c(14, example_arrivals, example_handle, example_threshold), 0.8883500191794669,
              1e-9);
  EXPECT_NEAR(erlang::average_speed_of_answer_c(14, example_arrivals, example_handle), 7.83593701177724, 1e-6);
  // Both print 14 as the agents needed for 80% in 20 s (their 85% occupancy cap does not bind: 10/14 = 71%).
  EXPECT_EQ(erlang::agents_for_service_level(example_arrivals, example_handle, example_threshold, 0.8), 14);
}

TEST(ErlangC, MatchesClosedForms) {
  // M/M/1 waits with probability ρ; with two servers C = a² / (2 + a).
  EXPECT_NEAR(erlang::wait_probability(1, 0.3), 0.3, 1e-15);
  EXPECT_NEAR(erlang::wait_probability(2, 1.5), 1.5 * 1.5 / 3.5, 1e-15);
  EXPECT_NEAR(erlang::wait_probability(2, 0.5), 0.25 / 2.5, 1e-15);
}

TEST(ErlangC, StaysFiniteAtHundredsOfErlangs) {
  for (double a : {150.0, 300.0, 480.0}) {
    for (int extra : {1, 10, 40}) {
      const int n = static_cast<int>(a) + extra;
      const double c = erlang::wait_probability(n, a);
      ASSERT_TRUE(std::isfinite(c)) << a << " erlangs, " << n << " agents";
      EXPECT_NEAR(c, erlang_c_by_terms(n, a), 1e-10 * std::max(1.0, c)) << a << " erlangs, " << n << " agents";
    }
  }
  const int needed = erlang::agents_for_service_level(1.0, 300.0, 15.0, 0.8);  // 300 erlangs
  EXPECT_GT(needed, 300);
  EXPECT_LT(needed, 330);
}

TEST(ErlangC, UnstableOrIdleQueues) {
  EXPECT_EQ(erlang::wait_probability(10, 10.0), 1.0);
  EXPECT_EQ(erlang::wait_probability(5, 10.0), 1.0);
  EXPECT_EQ(erlang::wait_probability(0, 1.0), 1.0);
  EXPECT_EQ(erlang::wait_probability(3, 0.0), 0.0);
  EXPECT_EQ(erlang::service_level_c(10, example_arrivals, example_handle, example_threshold), 0.0);
  EXPECT_TRUE(std::isinf(erlang::average_speed_of_answer_c(10, example_arrivals, example_handle)));
  EXPECT_EQ(erlang::service_level_c(0, 0.0, example_handle, example_threshold), 1.0);
  EXPECT_EQ(erlang::agents_for_service_level(0.0, example_handle, example_threshold, 0.8), 0);
}

TEST(ErlangA, MatchesPublishedFigures) {
  // pyworkforce's Erlang A guide (pyworkforce.rodrigo-arenas.com, "Erlang A (abandonment)"): the
  // example above with a mean patience of 5 minutes, whose service level also counts abandons as
  // not answered. required_positions(service_level=0.8, max_abandonment=0.05) gives 13 positions
  // with service level 0.858, abandonment 0.025, waiting probability 0.226, ASA 0.125 min (printed
  // to three places).
  const auto r13 = erlang::erlang_a(13, example_arrivals, example_handle, 300.0, example_threshold);
  EXPECT_NEAR(r13.service_level, 0.858, 5e-4);
  EXPECT_NEAR(r13.abandon_probability, 0.025, 5e-4);
  EXPECT_NEAR(r13.wait_probability, 0.226, 5e-4);
  EXPECT_NEAR(r13.average_wait_seconds / 60.0, 0.125, 5e-4);
  EXPECT_EQ(erlang::agents_for_targets(example_arrivals, example_handle, 300.0, example_threshold, 0.8, 0.95), 13);

  // The same scenario at 14 positions, to six places, from pyworkforce's test suite
  // (pyworkforce/queuing/tests/test_abandonment.py, test_erlanga_regression_metrics), an
  // independent implementation that runs the uniformization once per queue position.
  const auto r14 = erlang::erlang_a(14, example_arrivals, example_handle, 300.0, example_threshold);
  EXPECT_NEAR(r14.wait_probability, 0.14526, 5e-6);
  EXPECT_NEAR(r14.abandon_probability, 0.013984, 5e-7);
  EXPECT_NEAR(r14.average_wait_seconds / 60.0, 0.069919, 5e-7);
  EXPECT_NEAR(r14.service_level, 0.916792, 5e-7);
}

TEST(ErlangA, ConvergesToErlangCAsPatienceGrows) {
  for (int n : {11, 14, 20}) {
    const auto a = erlang::erlang_a(n, example_arrivals, example_handle, 1e12, example_threshold);
    EXPECT_NEAR(a.wait_probability, erlang::wait_probability(n, 10.0), 1e-8) << n;
    EXPECT_NEAR(a.service_level, erlang::service_level_c(n, example_arrivals, example_handle, example_threshold), 1e-8)
        << n;
    EXPECT_NEAR(a.average_wait_seconds, erlang::average_speed_of_answer_c(n, example_arrivals, example_handle), 1e-4)
        << n;
    EXPECT_LT(a.abandon_probability, 1e-8) << n;
  }
  // The distance to Erlang C shrinks as the patience grows.
  double previous = 1.0;
  for (double patience : {60.0, 600.0, 6000.0, 60000.0}) {
    const auto a = erlang::erlang_a(12, example_arrivals, example_handle, patience, example_threshold);
    const double gap =
        std::abs(a.service_level - erlang::service_level_c(12, example_arrivals, example_handle, example_threshold));
    EXPECT_LT(gap, previous) << patience;
    previous = gap;
  }
  // At a few hundred erlangs too.
  const auto big = erlang::erlang_a(320, 1.0, 300.0, 1e12, 15.0);
  EXPECT_NEAR(big.service_level, erlang::service_level_c(320, 1.0, 300.0, 15.0), 1e-7);
}

TEST(ErlangA, WithoutPatienceIsErlangC) {
  for (double patience : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const auto a = erlang::erlang_a(14, example_arrivals, example_handle, patience, example_threshold);
    EXPECT_EQ(a.wait_probability, erlang::wait_probability(14, 10.0));
    EXPECT_EQ(a.service_level, erlang::service_level_c(14, example_arrivals, example_handle, example_threshold));
    EXPECT_EQ(a.abandon_probability, 0.0);
  }
  EXPECT_EQ(erlang::agents_for_targets(example_arrivals, example_handle, 0.0, example_threshold, 0.8, 0.9),
            erlang::agents_for_service_level(example_arrivals, example_handle, example_threshold, 0.8));
}

TEST(ErlangA, ImpatientCallersMakeErlangB) {
  // Callers who hang up the moment they would queue: the loss system, blocking B(n, a).
  const double b1 = 0.5 / 1.5, b2 = (0.5 * 0.5 / 2.0) / (1.0 + 0.5 + 0.5 * 0.5 / 2.0);
  const double arrivals = 0.5 / example_handle;
  EXPECT_NEAR(erlang::erlang_a(1, arrivals, example_handle, 1e-9, example_threshold).abandon_probability, b1, 1e-9);
  EXPECT_NEAR(erlang::erlang_a(2, arrivals, example_handle, 1e-9, example_threshold).abandon_probability, b2, 1e-9);
  EXPECT_NEAR(erlang::erlang_a(2, arrivals, example_handle, 1e-9, example_threshold).service_level, 1.0 - b2, 1e-9);
}

TEST(ErlangA, AbandonsFallAsAgentsRise) {
  double previous_abandons = 1.0, previous_service = 0.0;
  for (int n = 1; n <= 30; ++n) {
    const auto a = erlang::erlang_a(n, example_arrivals, example_handle, 120.0, example_threshold);
    EXPECT_LT(a.abandon_probability, previous_abandons) << n;
    EXPECT_GT(a.service_level, previous_service) << n;
    // n lawyers cannot answer more than n/a of the callers.
    EXPECT_LE(1.0 - a.abandon_probability, n / 10.0 + 1e-12) << n;
    previous_abandons = a.abandon_probability;
    previous_service = a.service_level;
  }
}

TEST(ErlangA, ServiceLevelLimits) {
  const auto at = [](double t) { return erlang::erlang_a(14, example_arrivals, example_handle, 300.0, t); };
  // At t = 0 only those answered at once count; as t grows it tends to every caller answered, by
  // way of the uniformization (θt = 40) and of its shortcut for long thresholds (θt ≫ 50).
  EXPECT_NEAR(at(0.0).service_level, 1.0 - at(0.0).wait_probability, 1e-12);
  EXPECT_NEAR(at(12000.0).service_level, 1.0 - at(12000.0).abandon_probability, 1e-12);
  EXPECT_NEAR(at(1e6).service_level, 1.0 - at(1e6).abandon_probability, 1e-12);
  EXPECT_LT(at(10.0).service_level, at(20.0).service_level);
}

TEST(ErlangA, HundredsOfErlangsAndOverload) {
  const auto big = erlang::erlang_a(310, 1.0, 300.0, 120.0, 15.0);  // 300 erlangs
  for (double x : {big.wait_probability, big.abandon_probability, big.service_level}) {
    EXPECT_GE(x, 0.0);
    EXPECT_LE(x, 1.0);
  }
  EXPECT_GT(big.service_level, 0.9);
  // Half the lawyers the load needs: a little over half the callers give up.
  const auto over = erlang::erlang_a(5, example_arrivals, example_handle, 300.0, example_threshold);
  EXPECT_GT(over.abandon_probability, 0.5);
  EXPECT_LT(over.abandon_probability, 0.6);
  EXPECT_GT(over.wait_probability, 0.95);
  // Callers who wait for decades on an overloaded queue: the queue is cut, yet the lawyers'
  // throughput still bounds the answered share at n/a.
  const auto patient = erlang::erlang_a(270, 1.0, 300.0, 1e9, 15.0);
  EXPECT_NEAR(patient.abandon_probability, 0.1, 1e-3);
  EXPECT_LT(patient.service_level, 1e-3);
  // No lawyers: everyone gives up.
  EXPECT_NEAR(erlang::erlang_a(0, example_arrivals, example_handle, 300.0, example_threshold).abandon_probability, 1.0,
              1e-12);
}

TEST(Staffing, SearchesAreMinimalAndMonotonic) {
  int previous_c = 0, previous_a = 0;
  for (double per_hour = 0.0; per_hour <= 400.0; per_hour += 20.0) {
    const double arrivals = per_hour / 3600.0;
    const int c = erlang::agents_for_service_level(arrivals, 420.0, 15.0, 0.8);
    const int a = erlang::agents_for_targets(arrivals, 420.0, 90.0, 15.0, 0.8, 0.9);
    EXPECT_GE(c, previous_c) << per_hour;
    EXPECT_GE(a, previous_a) << per_hour;
    previous_c = c;
    previous_a = a;
    if (per_hour == 0.0) {
      EXPECT_EQ(c, 0);
      EXPECT_EQ(a, 0);
      continue;
    }
    EXPECT_GE(erlang::service_level_c(c, arrivals, 420.0, 15.0), 0.8) << per_hour;
    EXPECT_LT(erlang::service_level_c(c - 1, arrivals, 420.0, 15.0), 0.8) << per_hour;
    const auto enough = erlang::erlang_a(a, arrivals, 420.0, 90.0, 15.0);
    EXPECT_GE(enough.service_level, 0.8) << per_hour;
    EXPECT_GE(1.0 - enough.abandon_probability, 0.9) << per_hour;
    const auto fewer = erlang::erlang_a(a - 1, arrivals, 420.0, 90.0, 15.0);
    EXPECT_TRUE(fewer.service_level < 0.8 || 1.0 - fewer.abandon_probability < 0.9) << per_hour;
    // Callers who give up shorten the queue for the rest: Erlang A never asks for more.
    EXPECT_LE(a, c) << per_hour;
  }
}

TEST(Staffing, AdviceNamesTheShortHours) {
  // A day at a hotline: nobody before 08:00, a morning peak that is understaffed at 09:00–11:00,
  // an afternoon hour short at 14:00, evenings where nobody hung up (patience unknown).
  std::vector<stats::staffing_input> day;
  for (int h = 0; h < 8; ++h) day.push_back(hour(h, 0.0, 0.0, 0.0));
  day.push_back(hour(8, 20.0, 90.0, 6.0));
  day.push_back(hour(9, 60.0, 90.0, 5.0));
  day.push_back(hour(10, 60.0, 90.0, 8.0));
  for (int h = 11; h < 14; ++h) day.push_back(hour(h, 40.0, 90.0, 12.0));
  day.push_back(hour(14, 50.0, 90.0, 4.2));  // 4.2 on duty on average: counted as 5
  for (int h = 15; h < 18; ++h) day.push_back(hour(h, 30.0, 90.0, 9.0));
  for (int h = 18; h < 24; ++h) day.push_back(hour(h, 6.0, 0.0, 3.0));
  day[9].measured_answer_rate = 0.72;

  const auto report = stats::staffing_advice(day, {}, "2026-11-01", "2026-11-30");
  EXPECT_EQ(report.from(), "2026-11-01");
  EXPECT_EQ(report.to(), "2026-11-30");
  EXPECT_EQ(report.service_level_seconds(), 15);
  EXPECT_DOUBLE_EQ(report.target_service_level(), 0.8);
  EXPECT_DOUBLE_EQ(report.target_answer_rate(), 0.9);
  ASSERT_EQ(report.hours_size(), 24);

  int largest = 0;
  std::vector<int> short_hours;
  for (const auto& h : report.hours()) {
    const int on_duty = static_cast<int>(std::ceil(h.on_duty() - 1e-6));
    EXPECT_EQ(h.shortfall(), std::max(h.needed_erlang_a() - on_duty, 0)) << h.hour();
    if (h.arrivals_per_hour() == 0.0) {
      EXPECT_EQ(h.needed_erlang_c(), 0) << h.hour();
      EXPECT_EQ(h.needed_erlang_a(), 0) << h.hour();
      EXPECT_FALSE(h.has_predicted_answer_rate()) << h.hour();
      EXPECT_FALSE(h.has_predicted_service_level()) << h.hour();
      continue;
    }
    if (h.average_patience_seconds() == 0.0) {
      EXPECT_EQ(h.needed_erlang_a(), h.needed_erlang_c()) << h.hour();
    }
    ASSERT_TRUE(h.has_predicted_answer_rate()) << h.hour();
    EXPECT_GE(h.predicted_answer_rate(), 0.9) << h.hour();
    EXPECT_GE(h.predicted_service_level(), 0.8) << h.hour();
    if (h.shortfall() > 0) short_hours.push_back(h.hour());
    largest = std::max(largest, h.shortfall());
  }
  EXPECT_EQ(short_hours, (std::vector<int>{9, 10, 14}));
  EXPECT_TRUE(report.hours(9).has_measured_answer_rate());
  EXPECT_DOUBLE_EQ(report.hours(9).measured_answer_rate(), 0.72);
  EXPECT_FALSE(report.hours(10).has_measured_answer_rate());

  // 60 calls an hour of 10 minutes each is 10 erlangs; with 90 s patience that needs 12 lawyers,
  // so 09:00 with 5 on duty is 7 short — the largest of the day.
  EXPECT_EQ(report.hours(9).needed_erlang_a(), 12);
  EXPECT_EQ(largest, 7);
  EXPECT_EQ(report.advice(),
            "09:00–11:00、14:00–15:00 需增加 7 名律师（按 Erlang A，目标接通率 90%、15 秒内接通 80%）");
}

TEST(Staffing, OnDutyIsRoundedUpButNotForFloatNoise) {
  // 09:00 above needs 12 lawyers. A mean of 11.2 signed in counts as 12; a mean of exactly ten
  // lawyers that the averaging left at 10.0000000001 is still ten.
  const std::vector<stats::staffing_input> day{hour(9, 60.0, 90.0, 11.2), hour(10, 60.0, 90.0, 10.0000000001)};
  const auto report = stats::staffing_advice(day, {}, "2026-11-01", "2026-11-30");
  EXPECT_EQ(report.hours(0).shortfall(), 0);
  EXPECT_EQ(report.hours(1).shortfall(), 2);
}

TEST(Staffing, AdviceWhenNothingIsShort) {
  const std::vector<stats::staffing_input> day{hour(9, 60.0, 90.0, 20.0), hour(10, 0.0, 0.0, 0.0)};
  EXPECT_EQ(stats::staffing_advice(day, {}, "2026-11-01", "2026-11-30").advice(), "现有排班可达目标");
  EXPECT_EQ(stats::staffing_advice({}, {}, "2026-11-01", "2026-11-30").advice(), "现有排班可达目标");
}

TEST(Staffing, AdviceSaysWhichModelDecided) {
  const stats::staffing_targets targets{0.85, 20, 0.875};
  // No patience measured in any short hour: Erlang C, whose callers are all answered in the end.
  const std::vector<stats::staffing_input> unknown{hour(23, 60.0, 0.0, 1.0)};
  const auto c = stats::staffing_advice(unknown, targets, "2026-11-01", "2026-11-30");
  EXPECT_EQ(c.hours(0).needed_erlang_a(), c.hours(0).needed_erlang_c());
  EXPECT_EQ(c.advice(),
            "23:00–24:00 需增加 " + std::to_string(c.hours(0).shortfall()) + " 名律师（按 Erlang C，20 秒内接通 85%）");

  // One short hour of each kind, given out of order.
  const std::vector<stats::staffing_input> mixed{hour(15, 60.0, 0.0, 1.0), hour(8, 60.0, 90.0, 1.0)};
  const auto m = stats::staffing_advice(mixed, targets, "2026-11-01", "2026-11-30");
  const int largest = std::max(m.hours(0).shortfall(), m.hours(1).shortfall());
  EXPECT_EQ(m.advice(), "08:00–09:00、15:00–16:00 需增加 " + std::to_string(largest) +
                            " 名律师（按 Erlang A，无放弃数据的时段按 Erlang C；目标接通率 87.5%、20 秒内接通 85%）");
}
