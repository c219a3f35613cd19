// Figures from hand-made session records: each definition, the edge cases (midnight, the year
// end, short abandons, transfers, duplicates, callbacks) and the identities on tampered input.
#include <hotline/core/civil_day.hpp>
#include <hotline/stats/disclosure.hpp>
#include <hotline/stats/records.hpp>

#include <gtest/gtest.h>

using namespace hotline;

namespace {

constexpr std::int64_t sec = 1000;
constexpr std::int64_t hour_ms = 3600 * sec;

// Unix ms of a local (UTC+8) time.
std::int64_t local(const std::string& day, int h, int m = 0, int s = 0) {
  return *core::parse_day(day) * 24 * hour_ms - 8 * hour_ms + h * hour_ms + m * 60 * sec + s * sec;
}

v1::ArchivedSession session(const std::string& id, std::int64_t enqueued,
                            const std::string& category = "consult.labour") {
  v1::ArchivedSession s;
  s.set_id(id);
  s.set_channel(v1::CHAT);
  s.set_category(category);
  s.set_final_category(category);
  s.set_language("zh");
  s.set_enqueued_ms(enqueued);
  s.set_day(core::day_string(core::local_day_number(enqueued, 480)));
  s.set_hour(static_cast<int>(((enqueued + 8 * hour_ms) / hour_ms) % 24));
  s.set_state(v1::QUEUED);
  return s;
}

v1::ArchivedSession answered(const std::string& id, std::int64_t enqueued, std::int64_t wait_s, std::int64_t talk_s,
                             v1::Rating rating = v1::RATING_UNSPECIFIED, const std::string& lawyer = "lawyer1") {
  auto s = session(id, enqueued);
  s.set_state(v1::CLOSED);
  s.set_answered_ms(enqueued + wait_s * sec);
  s.set_ended_ms(s.answered_ms() + talk_s * sec);
  s.set_closed_ms(s.ended_ms() + 30 * sec);
  s.set_lawyer(lawyer);
  s.set_rating(rating);
  return s;
}

v1::ArchivedSession abandoned(const std::string& id, std::int64_t enqueued, std::int64_t wait_s) {
  auto s = session(id, enqueued);
  s.set_state(v1::ABANDONED);
  s.set_ended_ms(enqueued + wait_s * sec);
  return s;
}

stats::records_request request(const std::string& from, const std::string& to, const std::string& by,
                               std::int64_t now = 0) {
  stats::records_request r;
  r.centre = "xm";
  r.from = from;
  r.to = to;
  r.by = *stats::parse_grouping(by);
  r.now_ms = now ? now : local("2030-01-01", 0);
  return r;
}

}  // namespace

TEST(Records, EveryFigureFollowsItsDefinition) {
  stats::record_set set;
  const auto t = local("2026-12-01", 10);
  set.sessions = {answered("a", t, 10, 300, v1::SATISFIED),
                  answered("b", t + 60 * sec, 20, 100, v1::BASIC_SATISFIED),
                  answered("c", t + 120 * sec, 40, 200, v1::DISSATISFIED),
                  answered("d", t + 180 * sec, 5, 60),
                  abandoned("e", t, 3),
                  abandoned("f", t, 50)};
  auto overflow = session("g", t);
  overflow.set_state(v1::OVERFLOWED);
  overflow.set_ended_ms(t + 300 * sec);
  set.sessions.push_back(overflow);
  auto out = answered("h", t, 8, 100);
  out.set_state(v1::TRANSFERRED);
  out.set_transferred_to("12345");
  set.sessions.push_back(out);
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "day"));
  ASSERT_TRUE(report) << report.error().detail;
  const auto& r = report->total();
  EXPECT_EQ(r.offered(), 8);
  EXPECT_EQ(r.answered(), 5);
  EXPECT_EQ(r.abandoned(), 2);
  EXPECT_EQ(r.short_abandoned(), 1);
  EXPECT_EQ(r.overflowed(), 1);
  EXPECT_EQ(r.transferred_out(), 1);
  EXPECT_EQ(r.transferred_out_by_destination().at("12345"), 1);
  EXPECT_DOUBLE_EQ(r.answer_rate(), 5.0 / 8);
  EXPECT_DOUBLE_EQ(r.answer_rate_excluding_short_abandons(), 5.0 / 7);
  EXPECT_DOUBLE_EQ(r.service_level(), 3.0 / 8);  // a, d and h waited 15 s or less; b and c longer
  EXPECT_DOUBLE_EQ(r.average_speed_of_answer_seconds(), (10 + 20 + 40 + 5 + 8) / 5.0);
  EXPECT_DOUBLE_EQ(r.longest_wait_seconds(), 50);
  EXPECT_DOUBLE_EQ(r.average_wait_seconds(), (10 + 20 + 40 + 5 + 8 + 3 + 50) / 7.0);
  EXPECT_DOUBLE_EQ(r.average_handle_time_seconds(), (330 + 130 + 230 + 90 + 130) / 5.0);
  EXPECT_EQ(r.rated(), 3);
  EXPECT_DOUBLE_EQ(r.satisfaction(), 2.0 / 3);  // (满意 + 基本满意) ÷ rated
  EXPECT_DOUBLE_EQ(r.rating_rate(), 3.0 / 5);
}

TEST(Records, PhoneSurveysWithoutARatingAreCountedApart) {
  stats::record_set set;
  const auto t = local("2026-12-01", 10);
  set.sessions = {answered("a", t, 10, 60, v1::SATISFIED), answered("b", t, 10, 60), answered("c", t, 10, 60),
                  answered("d", t, 10, 60)};
  for (auto& s : set.sessions) s.set_channel(v1::PHONE);
  set.sessions[1].set_survey(v1::NO_INPUT);
  set.sessions[2].set_survey(v1::NO_INPUT);
  set.sessions[3].set_survey(v1::HUNG_UP);
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "day"));
  ASSERT_TRUE(report) << report.error().detail;
  const auto& r = report->total();
  EXPECT_EQ(r.rated(), 1);
  EXPECT_EQ(r.survey_no_input(), 2);
  EXPECT_EQ(r.survey_hung_up(), 1);
  EXPECT_DOUBLE_EQ(r.rating_rate(), 1.0 / 4) << "an unrated survey is not a rating";
  auto days = stats::recount(set, 15, 5);
  EXPECT_EQ(days["2026-12-01"]["survey_no_input|PHONE|consult.labour"], 2);
  EXPECT_EQ(days["2026-12-01"]["survey_hung_up|PHONE|consult.labour"], 1);
}

TEST(Records, ServiceLevelCountsWaitsUpToTheThreshold) {
  stats::record_set set;
  const auto t = local("2026-12-01", 10);
  set.sessions = {answered("a", t, 15, 60), answered("b", t, 16, 60)};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "day"));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->total().answered_within_service_level(), 1);
}

TEST(Records, ASessionIsBookedOnItsArrivalDayAndCarriedOverMidnight) {
  stats::record_set set;
  // Arrived 23:59:30 on the 1st, answered 00:00:40 on the 2nd.
  set.sessions = {answered("late", local("2026-12-01", 23, 59, 30), 70, 120)};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-02", "day"));
  ASSERT_TRUE(report) << report.error().detail;
  ASSERT_EQ(report->rows_size(), 2);
  const auto& first = report->rows(0);
  const auto& second = report->rows(1);
  EXPECT_EQ(first.key(), "2026-12-01");
  EXPECT_EQ(first.offered(), 1);
  EXPECT_EQ(first.answered(), 1);  // booked by arrival: the row balances
  EXPECT_EQ(first.carried_out(), 1);
  EXPECT_EQ(first.resolved(), 0);
  EXPECT_EQ(second.offered(), 0);
  EXPECT_EQ(second.carried_in(), 1);
  EXPECT_EQ(second.resolved(), 1);
  // The report of the 2nd alone still sees the caller carried in from the 1st.
  auto second_only = stats::summarize_records(set, request("2026-12-02", "2026-12-02", "day"));
  ASSERT_TRUE(second_only);
  EXPECT_EQ(second_only->total().offered(), 0);
  EXPECT_EQ(second_only->total().carried_in(), 1);
  EXPECT_EQ(second_only->total().resolved(), 1);
}

TEST(Records, TheYearEndSplitsYearsAndIsoWeeks) {
  stats::record_set set;
  set.sessions = {answered("a", local("2026-12-31", 23, 59, 50), 20, 60), answered("b", local("2027-01-01", 9), 5, 60)};
  auto years = stats::summarize_records(set, request("2026-12-31", "2027-01-01", "year"));
  ASSERT_TRUE(years) << years.error().detail;
  ASSERT_EQ(years->rows_size(), 2);
  EXPECT_EQ(years->rows(0).key(), "2026");
  EXPECT_EQ(years->rows(0).offered(), 1);
  EXPECT_EQ(years->rows(0).carried_out(), 1);
  EXPECT_EQ(years->rows(1).carried_in(), 1);
  EXPECT_EQ(years->rows(1).resolved(), 2);
  // 2026-12-31 and 2027-01-01 are both in ISO week 2026-W53: nothing is carried inside a week.
  auto weeks = stats::summarize_records(set, request("2026-12-31", "2027-01-01", "week"));
  ASSERT_TRUE(weeks);
  ASSERT_EQ(weeks->rows_size(), 1);
  EXPECT_EQ(weeks->rows(0).key(), "2026-W53");
  EXPECT_EQ(weeks->rows(0).carried_out(), 0);
}

TEST(Records, HourOfDayAndAPeriodWithADimension) {
  stats::record_set set;
  set.sessions = {answered("a", local("2026-12-01", 9, 10), 5, 60), answered("b", local("2026-12-02", 9, 50), 5, 60),
                  abandoned("c", local("2026-12-02", 14, 0), 30)};
  set.sessions[1].set_category("consult.marriage");
  auto hours = stats::summarize_records(set, request("2026-12-01", "2026-12-02", "hour"));
  ASSERT_TRUE(hours) << hours.error().detail;
  ASSERT_EQ(hours->rows_size(), 24);  // every hour of the day, empty ones print 0
  EXPECT_EQ(hours->rows(9).key(), "09");
  EXPECT_EQ(hours->rows(9).offered(), 2);
  EXPECT_EQ(hours->rows(14).abandoned(), 1);
  EXPECT_EQ(hours->rows(3).offered(), 0);

  auto request_by = request("2026-12-01", "2026-12-02", "day,category");
  request_by.known_values = {"consult.labour", "consult.marriage", "consult.traffic"};
  auto cells = stats::summarize_records(set, request_by);
  ASSERT_TRUE(cells) << cells.error().detail;
  EXPECT_EQ(cells->rows_size(), 6);  // 2 days × 3 categories
  std::map<std::string, std::int64_t> offered;
  for (const auto& r : cells->rows()) offered[r.key()] = r.offered();
  EXPECT_EQ(offered["2026-12-01|consult.labour"], 1);
  EXPECT_EQ(offered["2026-12-02|consult.marriage"], 1);
  EXPECT_EQ(offered["2026-12-02|consult.labour"], 1);
  EXPECT_EQ(offered["2026-12-02|consult.traffic"], 0);
  EXPECT_EQ(cells->total().offered(), 3);
}

TEST(Records, ByLawyerWithOccupancyFromSignedInTime) {
  stats::record_set set;
  const auto t = local("2026-12-01", 10);
  set.sessions = {answered("a", t, 10, 1770, v1::SATISFIED, "lawyer1"), abandoned("b", t, 20)};
  v1::ArchivedStatusChange on, off;
  on.set_lawyer("lawyer1");
  on.set_at_ms(t);
  on.set_status(v1::AVAILABLE);
  on.set_event_id("1-0");
  off = on;
  off.set_at_ms(t + hour_ms);
  off.set_status(v1::OFFLINE);
  off.set_event_id("2-0");
  set.status_changes = {on, off};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "lawyer"));
  ASSERT_TRUE(report) << report.error().detail;
  ASSERT_EQ(report->rows_size(), 2);
  EXPECT_EQ(report->rows(0).key(), "-");  // nobody answered the abandoned one
  EXPECT_EQ(report->rows(0).abandoned(), 1);
  EXPECT_EQ(report->rows(1).key(), "lawyer1");
  EXPECT_DOUBLE_EQ(report->rows(1).signed_in_seconds(), 3600);
  EXPECT_DOUBLE_EQ(report->rows(1).occupancy(), 1800.0 / 3600.0);  // talk 1770 + wrap-up 30
  EXPECT_DOUBLE_EQ(report->total().occupancy(), 0.5);
}

TEST(Records, TransfersAreAnsweredOnceAndMessagesBalance) {
  stats::record_set set;
  auto moved = answered("a", local("2026-12-01", 10), 5, 300, v1::SATISFIED, "lawyer2");
  moved.set_transfers(1);
  set.sessions = {moved};
  auto ticket = [](const std::string& id, v1::TicketState state, std::int64_t created, std::int64_t replied) {
    v1::ArchivedTicket t;
    t.set_id(id);
    t.set_kind(v1::CALLBACK);
    t.set_state(state);
    t.set_channel(v1::PHONE);
    t.set_category("consult.labour");
    t.set_created_ms(created);
    t.set_day(core::day_string(core::local_day_number(created, 480)));
    t.set_deadline_ms(created + 24 * hour_ms);
    t.set_replied_ms(replied);
    return t;
  };
  const auto c = local("2026-12-01", 11);
  set.tickets = {ticket("t1", v1::REPLIED, c, c + hour_ms), ticket("t2", v1::REPLIED, c, c + 30 * hour_ms),
                 ticket("t3", v1::DUPLICATE, c, 0), ticket("t4", v1::OPEN, c, 0)};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "channel"));
  ASSERT_TRUE(report) << report.error().detail;
  const auto& r = report->total();
  EXPECT_EQ(r.answered(), 1);
  EXPECT_EQ(r.transferred_internal(), 1);
  EXPECT_EQ(r.messages_received(), 4);
  EXPECT_EQ(r.messages_duplicate(), 1);
  EXPECT_EQ(r.messages_replied(), 2);
  EXPECT_EQ(r.messages_replied_on_time(), 1);
  EXPECT_EQ(r.messages_open(), 1);
  EXPECT_DOUBLE_EQ(r.reply_rate(), 2.0 / 3);  // duplicates are not asked twice
  EXPECT_DOUBLE_EQ(r.on_time_reply_rate(), 1.0 / 3);
}

TEST(Records, AStillWaitingCallerIsCarriedOutAndBalances) {
  stats::record_set set;
  set.sessions = {session("w", local("2026-12-01", 10))};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "day", local("2026-12-01", 10, 1)));
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report->total().waiting(), 1);
  EXPECT_EQ(report->total().carried_out(), 1);
}

TEST(Records, ABrokenRecordFailsTheReportWithItsNumbers) {
  stats::record_set set;
  auto rated_unanswered = abandoned("x", local("2026-12-01", 10), 5);
  rated_unanswered.set_rating(v1::SATISFIED);  // a rating without an answer cannot be
  set.sessions = {rated_unanswered};
  auto report = stats::summarize_records(set, request("2026-12-01", "2026-12-01", "day"));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, make_error_code(stats::errc::balance_violation));
  EXPECT_NE(report.error().detail.find("rated 1 > answered 0"), std::string::npos) << report.error().detail;
}

TEST(Records, ATamperedRowFailsTheIdentity) {
  v1::SummaryRow row;
  row.set_offered(10);
  row.set_answered(6);
  row.set_abandoned(3);
  row.set_resolved(9);
  row.set_carried_out(1);
  EXPECT_NE(stats::balance_violation(row).find("offered 10"), std::string::npos);
  row.set_waiting(1);
  EXPECT_EQ(stats::balance_violation(row), "");
  row.set_carried_in(2);  // carried in from nowhere
  EXPECT_NE(stats::balance_violation(row).find("carried in 2"), std::string::npos);
}

TEST(Records, RecountMatchesTheCounterNames) {
  stats::record_set set;
  set.sessions = {answered("a", local("2026-12-01", 10), 10, 60, v1::SATISFIED),
                  abandoned("b", local("2026-12-01", 11), 2)};
  auto days = stats::recount(set, 15, 5);
  auto& d = days["2026-12-01"];
  EXPECT_EQ(d["offered|CHAT|consult.labour"], 2);
  EXPECT_EQ(d["answered|CHAT|consult.labour"], 1);
  EXPECT_EQ(d["answered_in_sl|CHAT|consult.labour"], 1);
  EXPECT_EQ(d["short_abandoned|CHAT|consult.labour"], 1);
  EXPECT_EQ(d["wait_ms|CHAT|consult.labour"], 10000);
  EXPECT_EQ(d["longest_wait_ms|CHAT|consult.labour"], 10000);
  EXPECT_EQ(d["handle_ms|CHAT|consult.labour"], 90000);
  EXPECT_EQ(d["satisfied|CHAT|consult.labour"], 1);
}

TEST(Records, GroupingNames) {
  EXPECT_TRUE(stats::parse_grouping("month,category"));
  EXPECT_TRUE(stats::parse_grouping("lawyer,hour"));
  EXPECT_FALSE(stats::parse_grouping("month,day"));
  EXPECT_FALSE(stats::parse_grouping("decade"));
  EXPECT_EQ(stats::to_string(*stats::parse_grouping("priority,quarter")), "quarter,priority");
}

TEST(Disclosure, TheParagraphCarriesTheYearsFigures) {
  stats::record_set set;
  set.sessions = {answered("a", local("2026-03-01", 10), 10, 60, v1::SATISFIED),
                  abandoned("b", local("2026-07-01", 10), 40)};
  stats::disclosure_request request;
  request.centre = "xm";
  request.centre_name = "厦门市12348公共法律服务热线";
  request.year = 2026;
  request.now_ms = local("2027-01-02", 0);
  request.categories = {{"consult.labour", "劳动争议与工资"}, {"consult.marriage", "婚姻家庭"}};
  auto d = stats::disclosure(set, request);
  ASSERT_TRUE(d) << d.error().detail;
  EXPECT_NE(d->paragraph().find("2026年，厦门市12348公共法律服务热线共受理群众来电和网上咨询2人次"), std::string::npos)
      << d->paragraph();
  EXPECT_NE(d->paragraph().find("接通率50.0%"), std::string::npos);
  EXPECT_NE(d->paragraph().find("满意率100.0%"), std::string::npos);
  EXPECT_EQ(d->by_month().rows_size(), 12);
  EXPECT_EQ(d->by_category().rows_size(), 2);
  const auto md = stats::to_markdown(*d);
  EXPECT_NE(md.find("| 3月 | 1 | 1 | 100.0%"), std::string::npos) << md;
  EXPECT_NE(md.find("| 婚姻家庭 | 0 | 0 | 0.0%"), std::string::npos);  // empty cells print 0
  EXPECT_NE(stats::to_html(*d).find("<table>"), std::string::npos);
  EXPECT_EQ(md.find("138"), std::string::npos);
}
