// The archive at a provincial centre's scale. Prints:
//  1. archiver throughput (sessions/s) through the real path — simulated traffic booked by the
//     queue scripts, read from the events stream, written and acknowledged — into SQLite and into
//     PostgreSQL;
//  2. a year at Shanxi's scale (250,000 sessions, rows shaped like the simulation's) written into
//     each store, then the year's disclosure report and a month × category summary in ms from each;
//  3. Redis memory before and after trimming the archived sessions.
// Figures vary with the machine: compare the ratios of one run.
#include "postgres_server.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/core/embedded_redis.hpp>
#include <hotline/core/log.hpp>
#include <hotline/gateway/archive_service.hpp>
#include <hotline/gateway/simulation.hpp>
#include <hotline/stats/disclosure.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace asio = boost::asio;
using namespace hotline;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

core::config bench_config() {
  core::config c;
  c.centre.id = "bench";
  c.routing.categories = {{"consult.marriage", "婚姻家庭"}, {"consult.labour", "劳动争议"},
                          {"consult.contract", "合同纠纷"}, {"consult.housing", "房产物业"},
                          {"consult.traffic", "交通事故"},  {"legal_aid", "法律援助"},
                          {"mediation", "人民调解"}};
  c.routing.languages = {{"zh", "普通话"}, {"yue", "粤语"}};
  return c;
}

// A year of rows without the scripts: arrivals by the same day profile, outcomes in the shares the
// simulation produces, so the stores are timed on data of the real shape.
std::vector<v1::ArchivedSession> synthetic_year(int year, int sessions, const core::config& config) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(0, 1);
  const auto first = *core::parse_day(std::to_string(year) + "-01-01");
  const auto offset = std::int64_t{config.centre.utc_offset_minutes} * 60000;
  static constexpr double profile[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 3.0, 8.0, 9.0, 8.5,
                                         4.0, 5.0, 8.0, 8.5, 7.5, 5.0, 2.5, 1.8, 1.4, 1.0, 0.6, 0.3};
  std::discrete_distribution<int> hour(std::begin(profile), std::end(profile));
  std::vector<v1::ArchivedSession> out;
  out.reserve(static_cast<std::size_t>(sessions));
  for (int i = 0; i < sessions; ++i) {
    v1::ArchivedSession s;
    const auto day = first + static_cast<std::int64_t>(unit(random) * 365);
    const auto enqueued =
        day * 86400000 - offset + hour(random) * 3600000 + static_cast<std::int64_t>(unit(random) * 3600000);
    s.set_id("y" + std::to_string(i));
    s.set_channel(unit(random) < 0.7 ? v1::PHONE : v1::CHAT);
    s.set_category(config.routing.categories[static_cast<std::size_t>(unit(random) * 7)].code);
    s.set_final_category(s.category());
    s.set_language(unit(random) < 0.9 ? "zh" : "yue");
    s.set_enqueued_ms(enqueued);
    s.set_day(core::day_string(day));
    s.set_hour(static_cast<int>(((enqueued + offset) / 3600000) % 24));
    const double r = unit(random);
    const auto wait = static_cast<std::int64_t>(unit(random) * 90000);
    if (r < 0.8) {
      s.set_state(v1::CLOSED);
      s.set_answered_ms(enqueued + wait);
      s.set_ended_ms(s.answered_ms() + 60000 + static_cast<std::int64_t>(unit(random) * 600000));
      s.set_closed_ms(s.ended_ms() + 45000);
      s.set_lawyer("lawyer" + std::to_string(1 + static_cast<int>(unit(random) * 229)));
      if (unit(random) < 0.75) s.set_rating(unit(random) < 0.95 ? v1::SATISFIED : v1::BASIC_SATISFIED);
      s.set_work_order_type(v1::CONSULTATION);
      s.set_work_order_outcome("RESOLVED");
      s.set_work_order_note("已解答");
    } else if (r < 0.92) {
      s.set_state(v1::ABANDONED);
      s.set_ended_ms(enqueued + wait);
    } else {
      s.set_state(v1::OVERFLOWED);
      s.set_ended_ms(enqueued + wait);
    }
    out.push_back(std::move(s));
  }
  return out;
}

template <class F>
void run(asio::io_context& io, F body) {
  bool done = false;
  asio::co_spawn(io, body(), [&](std::exception_ptr) { done = true; });
  while (!done) io.run_one();
  io.restart();
}

// Allocated megabytes and the number of keys.
std::pair<double, std::int64_t> redis_size(asio::io_context& io, core::redis_client& redis) {
  std::pair<double, std::int64_t> size;
  run(io, [&]() -> asio::awaitable<void> {
    std::vector<std::string> info{"MEMORY", "STATS"};
    auto reply = co_await redis.exec(std::move(info));
    if (reply) size.first = static_cast<double>(reply->field("total.allocated").as_integer().value_or(0)) / 1048576.0;
    std::vector<std::string> count{"DBSIZE"};
    auto keys = co_await redis.exec(std::move(count));
    if (keys) size.second = keys->integer;
  });
  return size;
}

}  // namespace

int main(int argc, char** argv) {
  core::set_log_level("warn");
  const int days = argc > 1 ? std::atoi(argv[1]) : 20;
  const int year_sessions = argc > 2 ? std::atoi(argv[2]) : 250000;
  const auto dir = std::filesystem::temp_directory_path() / ("hotline-archive-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto redis_server = core::embedded_redis::start("redis-server", dir / "redis", false);
  if (!redis_server) {
    std::fprintf(stderr, "redis-server: %s\n", redis_server.error().c_str());
    return 1;
  }
  std::optional<test::postgres_server> postgres;
  if (test::postgres_server::available()) postgres.emplace();
  auto config = bench_config();
  asio::io_context io;
  core::redis_options options;
  options.endpoint = *core::redis_endpoint::parse(redis_server->address());
  core::redis_client redis(io.get_executor(), options, queue::engine::scripts());
  redis.start();

  // 1. Simulated traffic at Xiamen's scale (66,544 calls in 2018 ≈ 182 a day), then archived.
  gateway::simulation_options sim;
  sim.from = "2026-01-05";
  sim.to = core::day_string(*core::parse_day(sim.from) + days - 1);
  sim.sessions_per_day = 182;
  sim.lawyers = 8;
  int simulated = 0;
  double simulate_seconds = 0;
  {
    queue::engine engine(redis, config);
    const auto start = clock_type::now();
    run(io, [&]() -> asio::awaitable<void> {
      auto done = co_await gateway::simulate(engine, config, sim);
      if (done)
        simulated = done->sessions;
      else
        std::fprintf(stderr, "simulate: %s\n", done.error().c_str());
    });
    simulate_seconds = seconds_since(start);
  }
  std::printf("simulated %d sessions over %d days through the queue scripts in %.1f s (%.0f sessions/s)\n", simulated,
              days, simulate_seconds, simulated / simulate_seconds);
  const auto memory_before = redis_size(io, redis);

  struct store_figures {
    std::string name;
    double archive_rate = 0, write_rate = 0, disclosure_ms = 0, month_category_ms = 0;
  };
  std::vector<store_figures> figures;
  std::vector<std::string> urls{"sqlite:" + (dir / "archive.db").string()};
  if (postgres) urls.push_back(postgres->fresh_database());
  for (const auto& url : urls) {
    store_figures f;
    f.name = url.starts_with("sqlite") ? "SQLite" : "PostgreSQL";
    auto store = stats::open_archive(url, dir);
    if (!store) {
      std::fprintf(stderr, "%s: %s\n", url.c_str(), store.error().c_str());
      return 1;
    }
    gateway::archive_service archive(config, std::move(*store));
    queue::engine engine(redis, config);
    // Each store reads the whole stream from the start: a new consumer group.
    run(io, [&]() -> asio::awaitable<void> {
      std::vector<std::string> destroy{"XGROUP", "DESTROY", "{bench}:events", "archiver"};
      co_await redis.exec(std::move(destroy));
      std::vector<std::string> forget{"DEL", "{bench}:archive:id"};  // this store is the centre's archive now
      co_await redis.exec(std::move(forget));
    });
    auto start = clock_type::now();
    int events = 0;
    std::int64_t rows = 0;
    run(io, [&]() -> asio::awaitable<void> {
      auto pass = co_await archive.archive_all(engine, "bench");
      if (pass) events = pass->events;
      auto counts = co_await archive.counts();
      if (counts) rows = counts->sessions;
    });
    const double took = seconds_since(start);
    f.archive_rate = static_cast<double>(rows) / took;
    std::printf(
        "%-10s archiver: %lld sessions (%d events) read, written and acknowledged in %.2f s = %.0f sessions/s\n",
        f.name.c_str(), static_cast<long long>(rows), events, took, f.archive_rate);

    // 2. A Shanxi year straight into the store, then the reports from it.
    auto year = synthetic_year(2025, year_sessions, config);
    auto writer = stats::open_archive(url, dir);
    start = clock_type::now();
    for (std::size_t i = 0; i < year.size(); i += 500) {
      stats::archive_batch batch;
      batch.sessions.assign(year.begin() + static_cast<long>(i),
                            year.begin() + static_cast<long>(std::min(i + 500, year.size())));
      if (auto w = (*writer)->write(batch); !w) std::fprintf(stderr, "write: %s\n", w.error().c_str());
    }
    f.write_rate = static_cast<double>(year.size()) / seconds_since(start);
    start = clock_type::now();
    stats::record_set records;
    records.sessions = *(*writer)->sessions("2024-12-31", "2025-12-31");
    stats::disclosure_request d;
    d.centre = "bench";
    d.centre_name = "山西省12348公共法律服务热线";
    d.year = 2025;
    d.now_ms = 1800000000000;
    for (const auto& c : config.routing.categories) d.categories.emplace_back(c.code, c.name);
    auto disclosure = stats::disclosure(records, d);
    const auto markdown = disclosure ? stats::to_markdown(*disclosure) : std::string();
    f.disclosure_ms = seconds_since(start) * 1000;
    start = clock_type::now();
    stats::record_set month;
    month.sessions = *(*writer)->sessions("2025-05-31", "2025-06-30");
    stats::records_request r;
    r.centre = "bench";
    r.from = "2025-06-01";
    r.to = "2025-06-30";
    r.by = *stats::parse_grouping("month,category");
    r.now_ms = d.now_ms;
    auto summary = stats::summarize_records(month, r);
    f.month_category_ms = seconds_since(start) * 1000;
    std::printf(
        "%-10s %zu year rows written at %.0f rows/s; disclosure %d: %.0f ms (%lld offered%s); June × "
        "category: %.1f ms\n",
        f.name.c_str(), year.size(), f.write_rate, d.year, f.disclosure_ms,
        disclosure ? static_cast<long long>(disclosure->by_month().total().offered()) : -1LL,
        disclosure ? "" : ", FAILED", f.month_category_ms);
    if (!summary) std::fprintf(stderr, "summary failed: %s\n", summary.error().detail.c_str());
    figures.push_back(f);
  }

  // 3. Everything archived may leave Redis (a retention of 0): the sessions finished in simulated
  // time, the events (whose stream ids are real time) up to now.
  {
    queue::engine engine(redis, config);
    int trimmed = 0;
    std::int64_t events = 0;
    run(io, [&]() -> asio::awaitable<void> {
      const auto cutoff =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      for (;;) {
        auto t = co_await engine.trim_archived(cutoff, 5000);
        if (!t || t->keys == 0) break;
        trimmed += t->keys;
        events += t->events;
      }
    });
    const auto memory_after = redis_size(io, redis);
    std::printf(
        "redis memory: %.1f MB and %lld keys before trimming, %.1f MB and %lld keys after (%d sessions and "
        "tickets, %lld events trimmed); after/before = %.2f. What stays: day counters, lawyers, and each "
        "request's replay record (expires after 24 h)\n",
        memory_before.first, static_cast<long long>(memory_before.second), memory_after.first,
        static_cast<long long>(memory_after.second), trimmed, static_cast<long long>(events),
        memory_after.first / memory_before.first);
  }
  if (figures.size() == 2) {
    std::printf("ratios PostgreSQL/SQLite: archiver %.2f, year write %.2f, disclosure %.2f, month × category %.2f\n",
                figures[1].archive_rate / figures[0].archive_rate, figures[1].write_rate / figures[0].write_rate,
                figures[1].disclosure_ms / figures[0].disclosure_ms,
                figures[1].month_category_ms / figures[0].month_category_ms);
  }
  redis.stop();
  io.run_for(std::chrono::milliseconds(100));
  redis_server->stop();
  if (postgres) postgres->stop();
  std::filesystem::remove_all(dir);
  return 0;
}
