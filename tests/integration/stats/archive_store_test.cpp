// One suite, both archive implementations: SQLite in a temp file and a real PostgreSQL started
// for this binary (as the `postgres` user). Every behaviour the archiver relies on is checked
// against each.
#include "postgres_server.hpp"

#include <hotline/stats/archive.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

using namespace hotline;

namespace {

test::postgres_server& shared_postgres() {
  static test::postgres_server server;
  return server;
}

std::unique_ptr<stats::archive_store> open_store(const std::string& kind) {
  if (kind == "postgresql") {
    if (!test::postgres_server::available()) {
      ADD_FAILURE() << "PostgreSQL is not installed (scripts/deps.sh --test installs it)";
      return nullptr;
    }
    auto store = stats::open_archive(shared_postgres().fresh_database(), {});
    EXPECT_TRUE(store) << store.error();
    return store ? std::move(*store) : nullptr;
  }
  static int count = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hotline-archive-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
  std::filesystem::remove_all(dir);
  auto store = stats::open_archive("", dir);
  EXPECT_TRUE(store) << store.error();
  return store ? std::move(*store) : nullptr;
}

v1::ArchivedSession session(const std::string& id, const std::string& day, std::int64_t enqueued) {
  v1::ArchivedSession s;
  s.set_id(id);
  s.set_channel(v1::PHONE);
  s.set_category("consult.labour");
  s.set_final_category("consult.contract");
  s.set_language("yue");
  s.set_priority(v1::MIGRANT_WAGES);
  s.set_state(v1::CLOSED);
  s.set_end_reason("lawyer");
  s.set_enqueued_ms(enqueued);
  s.set_day(day);
  s.set_hour(9);
  s.set_answered_ms(enqueued + 12000);
  s.set_ended_ms(enqueued + 400000);
  s.set_closed_ms(enqueued + 430000);
  s.set_lawyer("lawyer1");
  s.set_rating(v1::BASIC_SATISFIED);
  s.set_transfers(1);
  s.set_work_order_type(v1::COMPLAINT);
  s.set_work_order_outcome("RESOLVED");
  s.set_work_order_note("工资拖欠三个月，建议先向劳动监察大队投诉；\"引号\"与换行\n都要保留");
  s.set_work_order_auto(true);
  s.set_survey(v1::HUNG_UP);
  return s;
}

v1::ArchivedStatusChange change(const std::string& id, const std::string& lawyer, std::int64_t at, v1::AgentStatus st) {
  v1::ArchivedStatusChange c;
  c.set_event_id(id);
  c.set_lawyer(lawyer);
  c.set_at_ms(at);
  c.set_status(st);
  return c;
}

class ArchiveStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store = open_store(GetParam());
    ASSERT_NE(store, nullptr);
  }
  std::unique_ptr<stats::archive_store> store;
};

}  // namespace

TEST_P(ArchiveStore, MigratesOnceAndRecordsTheVersion) {
  auto again = store->migrate();
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, stats::migrations().back().version);
  EXPECT_EQ(*again, 3);
  auto id = store->identity();
  ASSERT_TRUE(id) << id.error();
  EXPECT_EQ(id->size(), 32u);
  EXPECT_EQ(*store->identity(), *id) << "made once, then kept";
  EXPECT_EQ(store->describe().rfind(GetParam() == "postgresql" ? "postgresql://" : "sqlite:", 0), 0u);
}

TEST_P(ArchiveStore, RowsComeBackAsWrittenWithEveryField) {
  stats::archive_batch batch;
  batch.sessions = {session("s1", "2026-03-01", 1772330000000), session("s2", "2026-03-02", 1772416400000)};
  v1::ArchivedTicket t;
  t.set_id("ts1");
  t.set_session_id("s1");
  t.set_kind(v1::CALLBACK);
  t.set_state(v1::REPLIED);
  t.set_channel(v1::PHONE);
  t.set_category("consult.labour");
  t.set_language("yue");
  t.set_priority(v1::ELDERLY);
  t.set_created_ms(1772330100000);
  t.set_day("2026-03-01");
  t.set_hour(9);
  t.set_deadline_ms(1772416500000);
  t.set_replied_ms(1772333700000);
  t.set_reply_kind(v1::CALLBACK_MADE);
  t.set_replied_by("lawyer2");
  t.set_contact("13800001111");
  t.set_question("单位不签劳动合同怎么办");
  t.set_reply("已回电说明二倍工资的规定");
  batch.tickets = {t};
  ASSERT_TRUE(store->write(batch));
  auto sessions = store->sessions("2026-03-01", "2026-03-01");
  ASSERT_TRUE(sessions) << sessions.error();
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].SerializeAsString(), batch.sessions[0].SerializeAsString());
  auto tickets = store->tickets("2026-03-01", "2026-03-31");
  ASSERT_TRUE(tickets) << tickets.error();
  ASSERT_EQ(tickets->size(), 1u);
  EXPECT_EQ((*tickets)[0].SerializeAsString(), t.SerializeAsString());
  auto both = store->sessions("2026-02-28", "2026-03-02");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->size(), 2u);
}

TEST_P(ArchiveStore, AReplayWritesNothingTwiceAndANewerStateReplacesTheRow) {
  stats::archive_batch batch;
  for (int i = 0; i < 50; ++i)
    batch.sessions.push_back(session("s" + std::to_string(i), "2026-04-01", 1775000000000 + i));
  batch.status_changes = {change("1-0", "lawyer1", 1775000000000, v1::AVAILABLE)};
  ASSERT_TRUE(store->write(batch));
  ASSERT_TRUE(store->write(batch));  // the archiver crashed before acknowledging: the same batch again
  auto counts = store->counts();
  ASSERT_TRUE(counts) << counts.error();
  EXPECT_EQ(counts->sessions, 50);
  EXPECT_EQ(counts->status_changes, 1);

  stats::archive_batch later;
  later.sessions = {batch.sessions[7]};
  later.sessions[0].set_rating(v1::DISSATISFIED);  // a rating that came after the first write
  ASSERT_TRUE(store->write(later));
  auto rows = store->sessions("2026-04-01", "2026-04-01");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 50u);
  int dissatisfied = 0;
  for (const auto& r : *rows) dissatisfied += r.rating() == v1::DISSATISFIED;
  EXPECT_EQ(dissatisfied, 1);
}

TEST_P(ArchiveStore, StatusChangesOfAWindowStartWithEachLawyersStatusBeforeIt) {
  stats::archive_batch batch;
  batch.status_changes = {change("1-0", "a", 1000, v1::AVAILABLE), change("2-0", "b", 2000, v1::AVAILABLE),
                          change("3-0", "a", 2500, v1::AWAY), change("4-0", "a", 5000, v1::OFFLINE),
                          change("5-0", "b", 9000, v1::OFFLINE)};
  ASSERT_TRUE(store->write(batch));
  auto window = store->status_changes(3000, 6000);
  ASSERT_TRUE(window) << window.error();
  std::vector<std::string> ids;
  for (const auto& c : *window) ids.push_back(c.event_id());
  // a's AWAY at 2500 and b's AVAILABLE at 2000 are what they were in at 3000; b's 9000 is after.
  EXPECT_EQ(ids, (std::vector<std::string>{"2-0", "3-0", "4-0"}));
}

TEST_P(ArchiveStore, ABigBatchIsOneTransaction) {
  stats::archive_batch batch;
  for (int i = 0; i < 2000; ++i)
    batch.sessions.push_back(
        session("big" + std::to_string(i), "2026-05-0" + std::to_string(1 + i % 9), 1777600000000 + i));
  ASSERT_TRUE(store->write(batch));
  auto counts = store->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->sessions, 2000);
  auto may = store->sessions("2026-05-01", "2026-05-31");
  ASSERT_TRUE(may);
  EXPECT_EQ(may->size(), 2000u);
}

INSTANTIATE_TEST_SUITE_P(BothStores, ArchiveStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });
