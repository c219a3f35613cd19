// A generated year of traffic through the real queue scripts (a simulated clock), archived by the
// real archiver into SQLite, then: the report's figures equal an independent recount of the events
// stream; rebuild reproduces the Redis counters and finds a tampered one; an archiver killed
// mid-batch writes every session exactly once; today's live sessions count as if archived;
// trimming Redis changes no figure; PostgreSQL holding the same rows gives the same reports.
#include "async.hpp"
#include "cli_run.hpp"
#include "postgres_server.hpp"
#include "redis_server.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/gateway/simulation.hpp>
#include <hotline/stats/disclosure.hpp>
#include <hotline/stats/report_format.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace hotline;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

core::config history_config() {
  core::config c;
  c.centre.id = test::unique_centre();
  c.routing.categories = {{"consult.marriage", "婚姻家庭"},
                          {"consult.labour", "劳动争议"},
                          {"consult.contract", "合同纠纷"},
                          {"legal_aid", "法律援助"}};
  c.routing.languages = {{"zh", "普通话"}, {"yue", "粤语"}};
  c.archive.batch_size = 200;
  c.archive.lease_seconds = 2;
  return c;
}

core::redis_options history_options() {
  core::redis_options o;
  o.endpoint = core::redis_endpoint::parse(test::shared_redis().address()).value();
  return o;
}

std::map<std::string, std::string> fields_of(const core::redis_value& flat) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < flat.elements.size(); i += 2) out[flat.elements[i].text] = flat.elements[i + 1].text;
  return out;
}

// The figures counted straight from the audit stream, without the scripts' counters or the archive.
struct event_count {
  std::int64_t offered = 0, answered = 0, abandoned = 0, overflowed = 0, handled = 0, rated = 0, satisfied = 0,
               basic = 0, dissatisfied = 0, out = 0, internal = 0, received = 0, duplicate = 0, replied = 0,
               on_time = 0;
};

class History : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    state = new shared_state;
    test::run_async(
        state->io,
        []() -> asio::awaitable<void> {
          gateway::simulation_options options;
          options.from = "2025-01-01";
          options.to = "2025-12-31";
          options.sessions_per_day = 6;
          options.lawyers = 3;
          options.seed = 2018;
          auto simulated = co_await gateway::simulate(state->engine, state->config, options);
          EXPECT_TRUE(simulated) << simulated.error();
          if (simulated) state->summary = *simulated;
          auto archived = co_await state->archive.archive_all(state->engine, "node-a");
          EXPECT_TRUE(archived) << archived.error();
        }(),
        600s);
  }
  static void TearDownTestSuite() {
    state->redis.stop();
    state->io.run_for(100ms);
    delete state;
  }

  struct shared_state {
    shared_state()
        : config(history_config()),
          dir(std::filesystem::temp_directory_path() / ("hotline-history-" + config.centre.id)),
          redis(io.get_executor(), history_options(), queue::engine::scripts()),
          engine(redis, config),
          archive(config, open(dir)) {
      redis.start();
    }
    static std::unique_ptr<stats::archive_store> open(const std::filesystem::path& dir) {
      std::filesystem::remove_all(dir);
      return std::move(*stats::open_archive("", dir));
    }
    asio::io_context io;
    core::config config;
    std::filesystem::path dir;
    core::redis_client redis;
    queue::engine engine;
    gateway::archive_service archive;
    gateway::simulation_summary summary;
  };
  static shared_state* state;

  void run(asio::awaitable<void> body) { test::run_async(state->io, std::move(body), 300s); }

  static asio::awaitable<event_count> count_events(const std::string& from_day, const std::string& to_day) {
    event_count n;
    std::map<std::string, std::string> session_day, ticket_day;
    std::string start = "-";
    for (;;) {
      std::vector<std::string> range{"XRANGE", "{" + state->config.centre.id + "}:events", start, "+", "COUNT", "5000"};
      auto reply = co_await state->redis.exec(std::move(range));
      EXPECT_TRUE(reply);
      if (!reply || reply->elements.empty()) break;
      for (const auto& entry : reply->elements) {
        auto f = fields_of(entry.at(1));
        const auto& type = f["type"];
        const auto day = core::day_string(core::local_day_number(std::stoll(f["at"]), 480));
        if (type == "queued") session_day[f["session"]] = day;
        const auto booked = session_day[f["session"]];
        const bool in = booked >= from_day && booked <= to_day;
        const bool first = f["first_wait"] == "1";
        if (type == "queued" && in) ++n.offered;
        if (type == "answered" && first && in) ++n.answered;
        if (type == "abandoned" && first && in) ++n.abandoned;
        if (type == "closed" && in) ++n.handled;
        if (type == "rated" && in) {
          ++n.rated;
          n.satisfied += f["rating"] == "SATISFIED";
          n.basic += f["rating"] == "BASIC_SATISFIED";
          n.dissatisfied += f["rating"] == "DISSATISFIED";
        }
        if (type == "transferred" && in) (f["to"] == "out" ? n.out : n.internal) += 1;
        if (type == "ticket_created") {
          ticket_day[f["ticket"]] = day;
          if (first && in) ++n.overflowed;
          if (day >= from_day && day <= to_day) {
            ++n.received;
            n.duplicate += f["state"] == "DUPLICATE";
          }
        }
        if (type == "ticket_replied") {
          const auto created = ticket_day[f["ticket"]];
          if (created >= from_day && created <= to_day) {
            ++n.replied;
            n.on_time += f["on_time"] == "1";
          }
        }
      }
      start = "(" + reply->elements.back().at(0).text;
    }
    co_return n;
  }

  static stats::records_request request(const std::string& from, const std::string& to, const std::string& by) {
    stats::records_request r;
    r.centre = state->config.centre.id;
    r.from = from;
    r.to = to;
    r.by = *stats::parse_grouping(by);
    r.now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (const auto& c : state->config.routing.categories) r.known_values.push_back(c.code);
    if (r.by.by_dimension != stats::dimension::category) r.known_values.clear();
    return r;
  }
};

History::shared_state* History::state = nullptr;

}  // namespace

TEST_F(History, TheYearsFiguresEqualAnIndependentRecountOfTheEvents) {
  run([]() -> asio::awaitable<void> {
    EXPECT_GT(state->summary.sessions, 1500) << "a year at the test's scale";
    auto records = co_await state->archive.records(state->engine, "2025-01-01", "2025-12-31");
    ASSERT_TRUE(records) << records.error();
    auto report = stats::summarize_records(*records, request("2025-01-01", "2025-12-31", "month"));
    ASSERT_TRUE(report) << report.error().detail;
    const auto& t = report->total();
    const auto n = co_await count_events("2025-01-01", "2025-12-31");
    EXPECT_EQ(t.offered(), n.offered);
    EXPECT_EQ(t.offered(), state->summary.sessions);
    EXPECT_EQ(t.answered(), n.answered);
    EXPECT_EQ(t.abandoned(), n.abandoned);
    EXPECT_EQ(t.overflowed(), n.overflowed);
    EXPECT_EQ(t.handled(), n.handled);
    EXPECT_EQ(t.rated(), n.rated);
    EXPECT_EQ(t.satisfied(), n.satisfied);
    EXPECT_EQ(t.basic_satisfied(), n.basic);
    EXPECT_EQ(t.dissatisfied(), n.dissatisfied);
    EXPECT_EQ(t.transferred_out(), n.out);
    EXPECT_EQ(t.transferred_internal(), n.internal);
    EXPECT_EQ(t.messages_received(), n.received);
    EXPECT_EQ(t.messages_duplicate(), n.duplicate);
    EXPECT_EQ(t.messages_replied(), n.replied);
    EXPECT_EQ(t.messages_replied_on_time(), n.on_time);
    EXPECT_EQ(t.waiting(), 0);
    // Every kind of outcome happened, so the comparison means something.
    EXPECT_GT(n.abandoned, 0);
    EXPECT_GT(n.overflowed, 0);
    EXPECT_GT(n.out, 0);
    EXPECT_GT(n.internal, 0);
    EXPECT_GT(n.duplicate, 0);
    EXPECT_GT(n.dissatisfied, 0);
    EXPECT_EQ(report->rows_size(), 12);
    std::int64_t by_month = 0;
    for (const auto& row : report->rows()) by_month += row.offered();
    EXPECT_EQ(by_month, t.offered());
  }());
}

TEST_F(History, RebuildReproducesTheCountersAndFindsATamperedOne) {
  run([]() -> asio::awaitable<void> {
    auto records = co_await state->archive.records(state->engine, "2025-01-01", "2025-12-31");
    ASSERT_TRUE(records) << records.error();
    auto recounted =
        stats::recount(*records, state->config.stats.service_level_seconds, state->config.stats.short_abandon_seconds);
    int days = 0;
    for (auto day = *core::parse_day("2025-01-01"); day <= *core::parse_day("2025-12-31"); ++day) {
      const auto name = core::day_string(day);
      auto counters = co_await state->engine.day_counters(name);
      ASSERT_TRUE(counters);
      std::map<std::string, std::int64_t> have, want;
      for (const auto& [k, v] : *counters)
        if (v != 0) have[k] = v;
      for (const auto& [k, v] : recounted[name])
        if (v != 0) want[k] = v;
      EXPECT_EQ(have, want) << name;
      days += !want.empty();
    }
    EXPECT_GT(days, 300);

    // A counter changed behind the scripts' back is a difference; replacing it restores the recount.
    std::vector<std::string> tamper{"HINCRBY", "{" + state->config.centre.id + "}:stats:2025-06-03",
                                    "answered|PHONE|consult.marriage", "1"};
    co_await state->redis.exec(std::move(tamper));
    auto tampered = co_await state->engine.day_counters("2025-06-03");
    ASSERT_TRUE(tampered);
    EXPECT_NE(tampered->at("answered|PHONE|consult.marriage"),
              recounted["2025-06-03"]["answered|PHONE|consult.marriage"]);
    std::map<std::string, std::int64_t> clean;
    for (const auto& [k, v] : recounted["2025-06-03"])
      if (v != 0) clean[k] = v;
    ASSERT_TRUE(co_await state->engine.replace_day_counters("2025-06-03", clean));
    auto fixed = co_await state->engine.day_counters("2025-06-03");
    ASSERT_TRUE(fixed);
    std::map<std::string, std::int64_t> now;
    for (const auto& [k, v] : *fixed)
      if (v != 0) now[k] = v;
    EXPECT_EQ(now, clean);
  }());
}

TEST_F(History, PastReportsDoNotChangeWhenNothingChanged) {
  run([]() -> asio::awaitable<void> {
    std::string first;
    for (int i = 0; i < 2; ++i) {
      auto records = co_await state->archive.records(state->engine, "2025-03-01", "2025-05-31");
      ASSERT_TRUE(records);
      auto report = stats::summarize_records(*records, request("2025-03-01", "2025-05-31", "week,category"));
      ASSERT_TRUE(report) << report.error().detail;
      if (i == 0) {
        first = stats::to_csv(*report);
      } else {
        EXPECT_EQ(stats::to_csv(*report), first);
      }
    }
  }());
}

TEST_F(History, AnArchiverKilledMidBatchWritesEverySessionExactlyOnce) {
  run([]() -> asio::awaitable<void> {
    gateway::simulation_options options;
    options.from = "2026-01-05";
    options.to = "2026-01-06";
    options.sessions_per_day = 40;
    options.lawyers = 3;
    options.seed = 99;
    options.id_prefix = "crash";
    auto simulated = co_await gateway::simulate(state->engine, state->config, options);
    ASSERT_TRUE(simulated) << simulated.error();
    auto before = co_await state->archive.counts();
    ASSERT_TRUE(before);

    // The dead node held the lease, wrote one batch and died before acknowledging it, and had
    // another batch delivered that it never wrote.
    bool held = false;
    for (int i = 0; i < 60 && !held; ++i) {
      auto lease = co_await state->engine.hold_archive_lease("dead", 1500ms);
      ASSERT_TRUE(lease);
      held = *lease;
      if (!held) co_await test::sleep_for(100ms);  // node-a's lease from the set-up runs out
    }
    ASSERT_TRUE(held);
    auto written = co_await state->engine.read_for_archive("dead", 100);
    ASSERT_TRUE(written);
    stats::archive_batch batch;
    batch.sessions = written->sessions;
    batch.tickets = written->tickets;
    batch.status_changes = written->status_changes;
    auto dead_store = stats::open_archive("", state->dir);
    ASSERT_TRUE(dead_store) << dead_store.error();
    ASSERT_TRUE((*dead_store)->write(batch));
    auto delivered = co_await state->engine.read_for_archive("dead", 100);
    ASSERT_TRUE(delivered);
    EXPECT_FALSE(delivered->empty());

    // While the lease holds, the other node waits; then it takes over the pending batches too.
    auto blocked = co_await state->archive.archive_batch(state->engine, "node-b");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->events, 0) << "only the lease holder archives";
    co_await test::sleep_for(1600ms);
    auto resumed = co_await state->archive.archive_all(state->engine, "node-b");
    ASSERT_TRUE(resumed) << resumed.error();
    EXPECT_GT(resumed->events, 0);

    auto after = co_await state->archive.counts();
    ASSERT_TRUE(after);
    auto records = co_await state->archive.records(state->engine, "2026-01-05", "2026-01-06");
    ASSERT_TRUE(records);
    std::set<std::string> ids;
    for (const auto& s : records->sessions) {
      if (s.id().starts_with("crash-")) {
        EXPECT_TRUE(ids.insert(s.id()).second) << s.id();
      }
    }
    EXPECT_EQ(static_cast<int>(ids.size()), simulated->sessions);
    EXPECT_EQ(after->sessions - before->sessions, simulated->sessions);
    auto pending = co_await state->engine.unarchived();
    ASSERT_TRUE(pending);
    EXPECT_TRUE(pending->empty()) << pending->event_ids.size() << " events still unacknowledged";
  }());
}

TEST_F(History, ANodeWithAnArchiveOfItsOwnNeitherArchivesNorReports) {
  run([]() -> asio::awaitable<void> {
    const auto elsewhere = state->dir / "elsewhere";
    auto store = stats::open_archive("", elsewhere);
    ASSERT_TRUE(store) << store.error();
    gateway::archive_service stray(state->config, std::move(*store));
    auto pass = co_await stray.archive_batch(state->engine, "stray-node");
    ASSERT_FALSE(pass);
    EXPECT_NE(pass.error().find("is not the one this centre's other nodes write"), std::string::npos) << pass.error();
    auto records = co_await stray.records(state->engine, "2025-01-01", "2025-01-31");
    EXPECT_FALSE(records);
    auto own = co_await state->archive.records(state->engine, "2025-01-01", "2025-01-31");
    EXPECT_TRUE(own) << own.error();
  }());
}

TEST_F(History, TodaysLiveSessionsCountAsIfArchived) {
  run([]() -> asio::awaitable<void> {
    // Real time now: a caller waiting, one answered and still talking, one finished not yet archived.
    for (const auto& [id, category] : std::vector<std::pair<std::string, std::string>>{
             {"live-wait", "legal_aid"}, {"live-talk", "consult.marriage"}, {"live-done", "consult.marriage"}}) {
      queue::start_request r;
      r.session_id = id;
      r.token_hash = "t";
      r.category = category;
      r.language = "zh";
      ASSERT_TRUE(co_await state->engine.start(r, ""));
    }
    queue::agent_profile lawyer{"live-lawyer", "律师", {"consult.marriage:zh"}, {}, 3};
    ASSERT_TRUE(co_await state->engine.set_status(lawyer, v1::AVAILABLE, ""));
    for (const auto* id : {"live-talk", "live-done"}) {
      auto s = co_await state->engine.session(id);
      ASSERT_TRUE(s);
      ASSERT_EQ(s->state, v1::OFFERED);
      ASSERT_TRUE(co_await state->engine.accept("live-lawyer", s->offer_id, ""));
    }
    ASSERT_TRUE(co_await state->engine.end_by_caller("live-done", ""));
    queue::work_order order{"live-done", v1::CONSULTATION, "consult.marriage", v1::RESOLVED, "已解答"};
    ASSERT_TRUE(co_await state->engine.wrap_up("live-lawyer", order, ""));

    const auto today = core::day_string(core::local_day_number(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count(),
        480));
    const auto from = core::day_string(*core::parse_day(today) - 40);
    auto mixed = co_await state->archive.records(state->engine, from, today);
    ASSERT_TRUE(mixed);
    auto live_report = stats::summarize_records(*mixed, request(from, today, "day,category"));
    ASSERT_TRUE(live_report) << live_report.error().detail;
    EXPECT_EQ(live_report->total().waiting(), 1);
    EXPECT_EQ(live_report->total().answered(), 2);

    // Everything written into the archive, the report from the archive's rows alone is the same.
    auto backlog = co_await state->engine.unarchived();
    auto live = co_await state->engine.live_records();
    ASSERT_TRUE(backlog && live);
    stats::archive_batch all;
    all.sessions = backlog->sessions;
    all.tickets = backlog->tickets;
    all.status_changes = backlog->status_changes;
    all.sessions.insert(all.sessions.end(), live->begin(), live->end());
    auto store = stats::open_archive("", state->dir);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->write(all));
    stats::record_set archived_only;
    archived_only.sessions = *(*store)->sessions(core::day_string(*core::parse_day(from) - 1), today);
    archived_only.tickets = *(*store)->tickets(from, today);
    auto request_all = request(from, today, "day,category");
    auto archived_report = stats::summarize_records(archived_only, request_all);
    ASSERT_TRUE(archived_report) << archived_report.error().detail;
    for (int i = 0; i < live_report->rows_size(); ++i) {
      EXPECT_EQ(live_report->rows(i).offered(), archived_report->rows(i).offered()) << live_report->rows(i).key();
      EXPECT_EQ(live_report->rows(i).answered(), archived_report->rows(i).answered()) << live_report->rows(i).key();
      EXPECT_EQ(live_report->rows(i).waiting(), archived_report->rows(i).waiting()) << live_report->rows(i).key();
    }
    EXPECT_EQ(live_report->total().offered(), archived_report->total().offered());
    EXPECT_EQ(live_report->total().handled(), archived_report->total().handled());
  }());
}

TEST_F(History, TrimmingRedisChangesNoFigure) {
  run([]() -> asio::awaitable<void> {
    auto records = co_await state->archive.records(state->engine, "2025-01-01", "2025-12-31");
    ASSERT_TRUE(records);
    auto before = stats::summarize_records(*records, request("2025-01-01", "2025-12-31", "quarter"));
    ASSERT_TRUE(before);
    std::vector<std::string> count{"EXISTS",
                                   "{" + state->config.centre.id + "}:session:" + records->sessions.front().id()};
    EXPECT_EQ((co_await state->redis.exec(count))->integer, 1);
    // Everything that finished before 2026 is old enough.
    int trimmed = 0;
    for (;;) {
      auto t = co_await state->engine.trim_archived(*core::parse_day("2026-01-01") * 86400000, 1000);
      ASSERT_TRUE(t);
      trimmed += t->keys;
      if (t->keys == 0) break;
    }
    EXPECT_GE(trimmed, state->summary.sessions);
    EXPECT_EQ((co_await state->redis.exec(count))->integer, 0) << "the session hash is gone from Redis";
    auto again = co_await state->archive.records(state->engine, "2025-01-01", "2025-12-31");
    ASSERT_TRUE(again);
    auto after = stats::summarize_records(*again, request("2025-01-01", "2025-12-31", "quarter"));
    ASSERT_TRUE(after);
    EXPECT_EQ(stats::to_csv(*after), stats::to_csv(*before));
  }());
}

TEST_F(History, PostgreSQLHoldingTheSameRowsGivesTheSameReports) {
  ASSERT_TRUE(test::postgres_server::available()) << "PostgreSQL is not installed (scripts/deps.sh --test does it)";
  test::postgres_server postgres;
  auto pg = stats::open_archive(postgres.fresh_database(), {});
  ASSERT_TRUE(pg) << pg.error();
  auto sqlite = stats::open_archive("", state->dir);
  ASSERT_TRUE(sqlite);
  stats::record_set from_sqlite;
  from_sqlite.sessions = *(*sqlite)->sessions("2024-12-31", "2025-12-31");
  from_sqlite.tickets = *(*sqlite)->tickets("2025-01-01", "2025-12-31");
  from_sqlite.status_changes = *(*sqlite)->status_changes(*core::parse_day("2025-01-01") * 86400000 - 8 * 3600000,
                                                          *core::parse_day("2026-01-01") * 86400000 - 8 * 3600000);
  stats::archive_batch copy{from_sqlite.sessions, from_sqlite.tickets, from_sqlite.status_changes};
  ASSERT_TRUE((*pg)->write(copy));
  stats::record_set from_pg;
  from_pg.sessions = *(*pg)->sessions("2024-12-31", "2025-12-31");
  from_pg.tickets = *(*pg)->tickets("2025-01-01", "2025-12-31");
  from_pg.status_changes = *(*pg)->status_changes(*core::parse_day("2025-01-01") * 86400000 - 8 * 3600000,
                                                  *core::parse_day("2026-01-01") * 86400000 - 8 * 3600000);
  EXPECT_EQ(from_pg.sessions.size(), from_sqlite.sessions.size());
  auto a = stats::summarize_records(from_sqlite, request("2025-01-01", "2025-12-31", "month,category"));
  auto b = stats::summarize_records(from_pg, request("2025-01-01", "2025-12-31", "month,category"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(stats::to_csv(*a), stats::to_csv(*b));
  stats::disclosure_request d;
  d.centre = state->config.centre.id;
  d.centre_name = "测试中心12348热线";
  d.year = 2025;
  d.now_ms = request("2025-01-01", "2025-01-01", "day").now_ms;
  for (const auto& c : state->config.routing.categories) d.categories.emplace_back(c.code, c.name);
  auto da = stats::disclosure(from_sqlite, d);
  auto db = stats::disclosure(from_pg, d);
  ASSERT_TRUE(da && db);
  EXPECT_EQ(stats::to_markdown(*da), stats::to_markdown(*db));
  EXPECT_GT(da->by_month().total().offered(), 0);
  EXPECT_GT(da->lawyers_on_duty(), 0);
}

namespace {

std::pair<int, std::string> hotline_cli(const std::string& arguments) {
  return test::hotline_cli(HOTLINE_BIN, arguments);
}

}  // namespace

TEST_F(History, TheReportCommandRebuildsAndPrintsTheDisclosureSection) {
  const auto toml = state->dir / "hotline.toml";
  std::ofstream(toml) << "[centre]\nid = \"" << state->config.centre.id
                      << "\"\nname = \"厦门市12348公共法律服务热线\"\n[routing]\ncategories = [\n"
                         "  { code = \"consult.marriage\", name = \"婚姻家庭\" },\n"
                         "  { code = \"consult.labour\", name = \"劳动争议\" },\n"
                         "  { code = \"consult.contract\", name = \"合同纠纷\" },\n"
                         "  { code = \"legal_aid\", name = \"法律援助\" },\n]\n"
                         "languages = [ { code = \"zh\", name = \"普通话\" }, { code = \"yue\", name = \"粤语\" } ]\n";
  const std::string common = "--config " + toml.string() + " --redis " + test::shared_redis().address() +
                             " --archive sqlite:" + (state->dir / "archive.db").string();
  auto clean = hotline_cli("report rebuild --from 2025-01-01 --to 2025-12-31 " + common);
  EXPECT_EQ(clean.first, 0) << clean.second;
  EXPECT_NE(clean.second.find("365 days recounted"), std::string::npos) << clean.second;
  EXPECT_NE(clean.second.find(": 0 differences on 0 days"), std::string::npos) << clean.second;

  run([]() -> asio::awaitable<void> {
    std::vector<std::string> tamper{"HINCRBY", "{" + state->config.centre.id + "}:stats:2025-08-08",
                                    "offered|CHAT|legal_aid", "3"};
    co_await state->redis.exec(std::move(tamper));
  }());
  auto found = hotline_cli("report rebuild --from 2025-08-01 --to 2025-08-31 " + common);
  EXPECT_EQ(found.first, 1) << found.second;
  EXPECT_NE(found.second.find("2025-08-08  offered|CHAT|legal_aid  redis "), std::string::npos) << found.second;
  auto written = hotline_cli("report rebuild --from 2025-08-08 --to 2025-08-08 --write " + common);
  EXPECT_EQ(written.first, 0) << written.second;
  auto again = hotline_cli("report rebuild --from 2025-08-01 --to 2025-08-31 " + common);
  EXPECT_EQ(again.first, 0) << again.second;

  auto disclosure = hotline_cli("report disclosure --year 2025 " + common);
  EXPECT_EQ(disclosure.first, 0) << disclosure.second;
  EXPECT_NE(disclosure.second.find("2025年，厦门市12348公共法律服务热线共受理群众来电和网上咨询"), std::string::npos)
      << disclosure.second;
  EXPECT_NE(disclosure.second.find("| 12月 |"), std::string::npos);
  EXPECT_EQ(disclosure.second.find("1380000"), std::string::npos) << "no caller's phone number in a report";
  auto csv = hotline_cli("report --from 2025-01-01 --to 2025-12-31 --group-by month,channel --format csv " + common);
  EXPECT_EQ(csv.first, 0) << csv.second;
  EXPECT_EQ(std::count(csv.second.begin(), csv.second.end(), '\n'), 1 + 12 * 2 + 1);  // header, rows, total
}
