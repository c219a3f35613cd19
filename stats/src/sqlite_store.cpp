// The embedded archive: one SQLite file in WAL mode, statements prepared once and bound.
#include "archive_rows.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/stats/archive.hpp>

#include <sqlite3.h>

#include <chrono>

namespace hotline::stats {
namespace {

using boost::system::in_place_error;

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct statement_finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

class sqlite_store final : public archive_store {
 public:
  sqlite_store(std::unique_ptr<sqlite3, db_closer> db, std::filesystem::path file)
      : db_(std::move(db)), file_(std::move(file)) {}

  archive_result<int> migrate() override {
    if (auto done = exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                         "applied_ms BIGINT NOT NULL)");
        !done)
      return {in_place_error, done.error()};
    int current = 0;
    {
      auto select = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
      if (!select) return {in_place_error, select.error()};
      if (sqlite3_step(select->get()) == SQLITE_ROW) current = sqlite3_column_int(select->get(), 0);
    }
    for (const auto& m : migrations()) {
      if (m.version <= current) continue;
      // BEGIN IMMEDIATE takes the write lock first: two processes cannot both apply one migration.
      if (auto begun = exec("BEGIN IMMEDIATE"); !begun) return {in_place_error, begun.error()};
      auto applied = exec(m.sql);
      if (applied) {
        auto record = prepare("INSERT INTO schema_version (version, name, applied_ms) VALUES ($1, $2, $3)");
        if (!record) {
          applied = archive_result<void>(in_place_error, record.error());
        } else {
          const auto now =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
          applied = run(record->get(), {std::to_string(m.version), m.name, std::to_string(now)});
        }
      }
      if (!applied) {
        exec("ROLLBACK");
        return {in_place_error, "migration " + m.name + ": " + applied.error()};
      }
      if (auto committed = exec("COMMIT"); !committed) return {in_place_error, committed.error()};
      current = m.version;
    }
    return prepare_statements().has_value() ? archive_result<int>(current)
                                            : archive_result<int>(in_place_error, sqlite3_errmsg(db_.get()));
  }

  archive_result<void> write(const archive_batch& batch) override {
    if (batch.empty()) return {};
    if (auto begun = exec("BEGIN IMMEDIATE"); !begun) return begun;
    auto written = write_rows(upsert_session_.get(), detail::session_table(), batch.sessions);
    if (written) written = write_rows(upsert_ticket_.get(), detail::ticket_table(), batch.tickets);
    if (written) written = write_rows(upsert_status_.get(), detail::status_table(), batch.status_changes);
    if (!written) {
      exec("ROLLBACK");
      return written;
    }
    return exec("COMMIT");
  }

  archive_result<std::vector<v1::ArchivedSession>> sessions(std::string_view from_day,
                                                            std::string_view to_day) override {
    return read(select_sessions_.get(), detail::session_table(), {std::string(from_day), std::string(to_day)});
  }

  archive_result<std::vector<v1::ArchivedTicket>> tickets(std::string_view from_day, std::string_view to_day) override {
    return read(select_tickets_.get(), detail::ticket_table(), {std::string(from_day), std::string(to_day)});
  }

  archive_result<std::vector<v1::ArchivedStatusChange>> status_changes(std::int64_t from_ms,
                                                                       std::int64_t to_ms) override {
    return read(select_status_.get(), detail::status_table(), {std::to_string(from_ms), std::to_string(to_ms)});
  }

  archive_result<archive_counts> counts() override {
    archive_counts c;
    for (auto [table, target] : {std::pair{"sessions", &c.sessions}, std::pair{"tickets", &c.tickets},
                                 std::pair{"status_changes", &c.status_changes}}) {
      auto count = prepare(std::string("SELECT count(*) FROM ") + table);
      if (!count) return {in_place_error, count.error()};
      if (sqlite3_step(count->get()) == SQLITE_ROW) *target = sqlite3_column_int64(count->get(), 0);
    }
    return c;
  }

  archive_result<std::string> identity() override {
    auto insert =
        prepare("INSERT INTO archive_identity (singleton, id) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING");
    if (!insert) return {in_place_error, insert.error()};
    if (auto done = run(insert->get(), {core::random_hex(16)}); !done) return {in_place_error, done.error()};
    auto select = prepare("SELECT id FROM archive_identity WHERE singleton = 1");
    if (!select) return {in_place_error, select.error()};
    if (sqlite3_step(select->get()) != SQLITE_ROW) return {in_place_error, sqlite3_errmsg(db_.get())};
    return {boost::system::in_place_value, reinterpret_cast<const char*>(sqlite3_column_text(select->get(), 0))};
  }

  std::string describe() const override { return "sqlite:" + file_.string(); }

 private:
  archive_result<void> exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string text = message ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return {in_place_error, text};
  }

  archive_result<statement> prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
      return {in_place_error, sqlite3_errmsg(db_.get())};
    return statement(raw);
  }

  archive_result<void> prepare_statements() {
    const auto status_window =
        "(at_ms >= $1 AND at_ms < $2) OR event_id IN (SELECT (SELECT s2.event_id FROM "
        "status_changes s2 WHERE s2.lawyer = s1.lawyer AND s2.at_ms < $1 ORDER BY s2.at_ms "
        "DESC, s2.event_id DESC LIMIT 1) FROM (SELECT DISTINCT lawyer FROM status_changes) s1)";
    struct wanted {
      statement* target;
      std::string sql;
    };
    for (auto& [target, sql] : {
             wanted{&upsert_session_, detail::upsert_sql(detail::session_table())},
             wanted{&upsert_ticket_, detail::upsert_sql(detail::ticket_table())},
             wanted{&upsert_status_, detail::upsert_sql(detail::status_table())},
             wanted{&select_sessions_, detail::select_sql(detail::session_table(), "day >= $1 AND day <= $2")},
             wanted{&select_tickets_, detail::select_sql(detail::ticket_table(), "day >= $1 AND day <= $2")},
             wanted{&select_status_, detail::select_sql(detail::status_table(), status_window)},
         }) {
      auto prepared = prepare(sql);
      if (!prepared) return {in_place_error, prepared.error()};
      *target = std::move(*prepared);
    }
    return {};
  }

  // Binds the values in order ($1, $2, …) and steps the statement to its end.
  archive_result<void> run(sqlite3_stmt* s, const std::vector<std::string>& values) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (std::size_t i = 0; i < values.size(); ++i)
      sqlite3_bind_text(s, static_cast<int>(i + 1), values[i].data(), static_cast<int>(values[i].size()),
                        SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return {in_place_error, sqlite3_errmsg(db_.get())};
    return {};
  }

  template <class Row>
  archive_result<void> write_rows(sqlite3_stmt* s, const detail::table<Row>& t, const std::vector<Row>& rows) {
    for (const auto& row : rows)
      if (auto done = run(s, detail::to_values(t, row)); !done) return done;
    return {};
  }

  template <class Row>
  archive_result<std::vector<Row>> read(sqlite3_stmt* s, const detail::table<Row>& t,
                                        const std::vector<std::string>& params) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (std::size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(s, static_cast<int>(i + 1), params[i].data(), static_cast<int>(params[i].size()),
                        SQLITE_TRANSIENT);
    std::vector<Row> rows;
    std::vector<std::string> values(t.columns.size());
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, static_cast<int>(i)));
        values[i].assign(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(s, static_cast<int>(i))));
      }
      rows.push_back(detail::from_values(t, values));
    }
    if (rc != SQLITE_DONE) return {in_place_error, sqlite3_errmsg(db_.get())};
    return rows;
  }

  std::unique_ptr<sqlite3, db_closer> db_;
  std::filesystem::path file_;
  statement upsert_session_, upsert_ticket_, upsert_status_, select_sessions_, select_tickets_, select_status_;
};

}  // namespace

archive_result<std::unique_ptr<archive_store>> open_sqlite_archive(const std::filesystem::path& file) {
  std::error_code ignored;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ignored);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, db_closer> db(raw);
  if (rc != SQLITE_OK) return {in_place_error, "cannot open " + file.string() + ": " + sqlite3_errmsg(raw)};
  // Another process (a second gateway, `hotline report`) may hold the write lock for a moment.
  sqlite3_busy_timeout(db.get(), 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (sqlite3_exec(db.get(), pragma, nullptr, nullptr, nullptr) != SQLITE_OK)
      return {in_place_error, std::string(pragma) + ": " + sqlite3_errmsg(db.get())};
  }
  auto store = std::make_unique<sqlite_store>(std::move(db), file);
  if (auto migrated = store->migrate(); !migrated) return {in_place_error, migrated.error()};
  return std::unique_ptr<archive_store>(std::move(store));
}

}  // namespace hotline::stats
