// The archiver loop and the report records. The store is only touched on its own thread; the
// coroutines here run on the gateway's io_context and hop there for each SQL call.
#include "hotline/gateway/archive_service.hpp"

#include <hotline/core/civil_day.hpp>
#include <hotline/core/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <set>

namespace hotline::gateway {

namespace asio = boost::asio;
using boost::system::in_place_error;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <class T>
asio::awaitable<T> invoke(std::function<T(stats::archive_store&)> work, stats::archive_store* store) {
  co_return work(*store);
}

}  // namespace

archive_service::archive_service(const core::config& config, std::unique_ptr<stats::archive_store> store)
    : config_(config), store_(std::move(store)), identity_(store_->identity()) {}

asio::awaitable<stats::archive_result<void>> archive_service::check_identity(queue::engine& queue) {
  if (identity_checked_) co_return stats::archive_result<void>{};
  if (!identity_) co_return stats::archive_result<void>(in_place_error, "archive: " + identity_.error());
  auto recorded = co_await queue.centre_archive(*identity_);
  if (!recorded) co_return stats::archive_result<void>(in_place_error, "redis: " + recorded.error().message());
  if (*recorded != *identity_)
    co_return stats::archive_result<void>(
        in_place_error, "this node's archive " + describe() + " is not the one this centre's other nodes write (id " +
                            *recorded + ", this one " + *identity_ +
                            "): set archive.url to the shared archive (PostgreSQL for several hosts)");
  identity_checked_ = true;
  co_return stats::archive_result<void>{};
}

archive_service::~archive_service() { thread_.join(); }

template <class T>
asio::awaitable<T> archive_service::on_store(std::function<T(stats::archive_store&)> work) {
  auto task = invoke<T>(std::move(work), store_.get());
  co_return co_await asio::co_spawn(thread_.get_executor(), std::move(task), asio::use_awaitable);
}

std::string archive_service::describe() const { return store_->describe(); }

asio::awaitable<stats::archive_result<archive_pass>> archive_service::archive_batch(queue::engine& queue,
                                                                                    const std::string& node) {
  using pass_result = stats::archive_result<archive_pass>;
  // A node writing to an archive of its own would acknowledge events the real archive never gets.
  if (auto same = co_await check_identity(queue); !same) co_return pass_result(in_place_error, same.error());
  auto held = co_await queue.hold_archive_lease(node, std::chrono::seconds(config_.archive.lease_seconds));
  if (!held) co_return pass_result(in_place_error, "redis: " + held.error().message());
  if (!*held) co_return archive_pass{};
  auto read = co_await queue.read_for_archive(node, config_.archive.batch_size);
  if (!read) co_return pass_result(in_place_error, "redis: " + read.error().message());
  if (read->empty()) co_return archive_pass{};
  archive_pass pass{static_cast<int>(read->event_ids.size()), static_cast<int>(read->sessions.size()),
                    static_cast<int>(read->tickets.size()), static_cast<int>(read->status_changes.size())};
  // GCC 12 destroys temporaries of a co_await expression twice: every argument is named first.
  auto batch = std::make_shared<stats::archive_batch>();
  batch->sessions = read->sessions;
  batch->tickets = read->tickets;
  batch->status_changes = read->status_changes;
  std::function<stats::archive_result<void>(stats::archive_store&)> write = [batch](stats::archive_store& store) {
    return store.write(*batch);
  };
  auto written = co_await on_store(std::move(write));
  if (!written) co_return pass_result(in_place_error, "archive: " + written.error());
  // Only now, with the rows committed: a crash before this line replays the batch, which
  // rewrites the same rows.
  auto acknowledged = co_await queue.archived(*read);
  if (!acknowledged) co_return pass_result(in_place_error, "redis: " + acknowledged.error().message());
  co_return pass;
}

asio::awaitable<stats::archive_result<archive_pass>> archive_service::archive_all(queue::engine& queue,
                                                                                  const std::string& node) {
  archive_pass total;
  for (;;) {
    auto pass = co_await archive_batch(queue, node);
    if (!pass) co_return pass;
    if (pass->events == 0) co_return total;
    total.events += pass->events;
    total.sessions += pass->sessions;
    total.tickets += pass->tickets;
    total.status_changes += pass->status_changes;
  }
}

asio::awaitable<void> archive_service::run(queue::engine& queue, std::string node) {
  auto log = core::logger("stats");
  timer_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
  auto next_trim = std::chrono::steady_clock::now();
  bool failing = false;
  while (!stopped_) {
    auto pass = co_await archive_batch(queue, node);
    if (!pass && !failing) log->error("archiver: {}; retrying", pass.error());
    if (pass && failing) log->info("archiver: working again");
    failing = !pass;
    if (pass && pass->events > 0) continue;  // a backlog: no pause
    if (pass && std::chrono::steady_clock::now() >= next_trim) {
      next_trim = std::chrono::steady_clock::now() + std::chrono::seconds(config_.archive.trim_interval_seconds);
      const auto cutoff = now_ms() - std::int64_t{config_.archive.retention_hours} * 3600 * 1000;
      auto trimmed = co_await queue.trim_archived(cutoff, 1000);
      if (trimmed && trimmed->keys + trimmed->events > 0)
        log->info("archiver: trimmed {} keys and {} events from Redis", trimmed->keys, trimmed->events);
    }
    timer_->expires_after(std::chrono::milliseconds(failing ? 1000 : config_.archive.poll_interval_ms));
    boost::system::error_code ec;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void archive_service::stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
}

asio::awaitable<stats::archive_result<stats::record_set>> archive_service::records(queue::engine& queue,
                                                                                   const std::string& from_day,
                                                                                   const std::string& to_day) {
  using records_result = stats::archive_result<stats::record_set>;
  const auto from = core::parse_day(from_day);
  const auto to = core::parse_day(to_day);
  if (!from || !to) co_return records_result(in_place_error, "bad period");
  if (auto same = co_await check_identity(queue); !same) co_return records_result(in_place_error, same.error());
  // The day before too: callers who arrived then and were still waiting at the first midnight.
  const auto first = core::day_string(*from - 1);
  const auto offset_ms = std::int64_t{config_.centre.utc_offset_minutes} * 60000;
  const auto begin_ms = (*from) * 86400000 - offset_ms;
  const auto end_ms = (*to + 1) * 86400000 - offset_ms;
  std::function<records_result(stats::archive_store&)> read = [=](stats::archive_store& store) -> records_result {
    stats::record_set out;
    auto sessions = store.sessions(first, to_day);
    if (!sessions) return {in_place_error, sessions.error()};
    auto tickets = store.tickets(from_day, to_day);
    if (!tickets) return {in_place_error, tickets.error()};
    auto changes = store.status_changes(begin_ms, end_ms);
    if (!changes) return {in_place_error, changes.error()};
    out.sessions = std::move(*sessions);
    out.tickets = std::move(*tickets);
    out.status_changes = std::move(*changes);
    return out;
  };
  auto set = co_await on_store(std::move(read));
  if (!set) co_return set;
  // What the archiver has not written yet replaces (or joins) the archive's rows: a report is exact
  // the moment a session finishes, not when its row is committed.
  auto backlog = co_await queue.unarchived();
  if (!backlog) co_return records_result(in_place_error, "redis: " + backlog.error().message());
  auto live = co_await queue.live_records();
  if (!live) co_return records_result(in_place_error, "redis: " + live.error().message());
  auto in_range = [&](const std::string& day) { return day >= first && day <= to_day; };
  std::map<std::string, std::size_t> session_at, ticket_at;
  std::set<std::string> status_seen;
  for (std::size_t i = 0; i < set->sessions.size(); ++i) session_at[set->sessions[i].id()] = i;
  for (std::size_t i = 0; i < set->tickets.size(); ++i) ticket_at[set->tickets[i].id()] = i;
  for (const auto& c : set->status_changes) status_seen.insert(c.event_id());
  auto merge_session = [&](v1::ArchivedSession s) {
    if (!in_range(s.day())) return;
    if (auto found = session_at.find(s.id()); found != session_at.end()) {
      set->sessions[found->second] = std::move(s);
    } else {
      session_at[s.id()] = set->sessions.size();
      set->sessions.push_back(std::move(s));
    }
  };
  for (auto& s : backlog->sessions) merge_session(std::move(s));
  for (auto& s : *live) merge_session(std::move(s));
  for (auto& t : backlog->tickets) {
    if (t.day() < from_day || t.day() > to_day) continue;
    if (auto found = ticket_at.find(t.id()); found != ticket_at.end())
      set->tickets[found->second] = std::move(t);
    else
      set->tickets.push_back(std::move(t));
  }
  for (auto& c : backlog->status_changes)
    if (c.at_ms() < end_ms && !status_seen.contains(c.event_id())) set->status_changes.push_back(std::move(c));
  co_return set;
}

asio::awaitable<stats::archive_result<stats::archive_counts>> archive_service::counts() {
  std::function<stats::archive_result<stats::archive_counts>(stats::archive_store&)> count =
      [](stats::archive_store& store) { return store.counts(); };
  co_return co_await on_store(std::move(count));
}

}  // namespace hotline::gateway
