// The PostgreSQL archive: one libpq connection, statements prepared once per connection and bound
// with text parameters, so several gateway nodes can share one archive.
#include "archive_rows.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/stats/archive.hpp>

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace hotline::stats {
namespace {

struct pq_finish {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct pq_clear {
  void operator()(PGresult* result) const { PQclear(result); }
};
using connection_ptr = std::unique_ptr<PGconn, pq_finish>;
using result_ptr = std::unique_ptr<PGresult, pq_clear>;

// Any fixed key works as long as every node uses the same one: "hotline" in ASCII.
constexpr const char* migration_lock_sql = "SELECT pg_advisory_xact_lock(29395943403646565)";

constexpr const char* schema_version_sql =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_ms BIGINT NOT NULL)";

constexpr const char* counts_sql =
    "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM tickets), (SELECT count(*) FROM status_changes)";

// libpq's own messages span lines (and end in a newline); the operator reads one log line.
std::string one_line(const char* message) {
  std::string text;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p != '\n' && *p != '\t') {
      text += *p;
    } else if (!text.empty() && text.back() != ' ') {
      text += *p == '\n' ? "; " : " ";
    }
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == ';')) text.pop_back();
  return text.empty() ? "unknown PostgreSQL error" : text;
}

// The server's own words: its message, and its detail and hint when it gives them (a conflicting
// key, say). Errors libpq raised itself (a lost connection) have only the whole message.
std::string server_message(const PGresult* result) {
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (!primary) return one_line(PQresultErrorMessage(result));
  std::string text = primary;
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) text += std::string("; ") + detail;
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) text += std::string("; ") + hint;
  return text;
}

std::int64_t to_int64(const char* text) {
  std::int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

template <class Row>
std::string column_names(const detail::table<Row>& t) {
  std::string names;
  for (std::size_t i = 0; i < t.columns.size(); ++i) names += (i ? ", " : "") + std::string(t.columns[i].name);
  return names;
}

// The period's rows and, for each lawyer, the last row before it: the two halves are disjoint
// (at_ms < $1 and at_ms >= $1), so UNION ALL needs no de-duplication.
std::string status_changes_sql() {
  const auto& t = detail::status_table();
  const std::string names = column_names(t);
  return "SELECT " + names +
         " FROM status_changes WHERE at_ms >= $1 AND at_ms < $2 UNION ALL (SELECT DISTINCT ON (lawyer) " + names +
         " FROM status_changes WHERE at_ms < $1 ORDER BY lawyer, at_ms DESC, event_id DESC) ORDER BY " +
         std::string(t.order_by);
}

struct statement {
  const char* name;
  std::string sql;
  int parameters;
};

const std::vector<statement>& statements() {
  static const std::vector<statement> all{
      {"upsert_session", detail::upsert_sql(detail::session_table()),
       static_cast<int>(detail::session_table().columns.size())},
      {"upsert_ticket", detail::upsert_sql(detail::ticket_table()),
       static_cast<int>(detail::ticket_table().columns.size())},
      {"upsert_status_change", detail::upsert_sql(detail::status_table()),
       static_cast<int>(detail::status_table().columns.size())},
      {"select_sessions", detail::select_sql(detail::session_table(), "day >= $1 AND day <= $2"), 2},
      {"select_tickets", detail::select_sql(detail::ticket_table(), "day >= $1 AND day <= $2"), 2},
      {"select_status_changes", status_changes_sql(), 2},
  };
  return all;
}

class postgres_store final : public archive_store {
 public:
  explicit postgres_store(connection_ptr conn) : conn_(std::move(conn)) {}

  archive_result<int> migrate() override {
    return retrying<int>([this]() -> archive_result<int> {
      if (auto done = in_locked_transaction([this] { return command(schema_version_sql, "create schema_version"); });
          !done)
        return done.error();
      for (const auto& m : migrations()) {
        auto applied = in_locked_transaction([this, &m]() -> archive_result<void> {
          const std::string version = std::to_string(m.version);
          const char* check[] = {version.c_str()};
          result_ptr found(PQexecParams(conn_.get(), "SELECT 1 FROM schema_version WHERE version = $1", 1, nullptr,
                                        check, nullptr, nullptr, 0));
          if (auto ok = expect(found.get(), PGRES_TUPLES_OK, "read schema_version"); !ok) return ok.error();
          // Another node may have applied it while we waited for the lock.
          if (PQntuples(found.get()) > 0) return {};
          if (auto ok = command(m.sql.c_str(), "migration " + m.name); !ok) return ok.error();
          const std::string applied_ms = std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count());
          const char* record[] = {version.c_str(), m.name.c_str(), applied_ms.c_str()};
          result_ptr recorded(PQexecParams(conn_.get(),
                                           "INSERT INTO schema_version (version, name, applied_ms) VALUES ($1, $2, $3)",
                                           3, nullptr, record, nullptr, nullptr, 0));
          return expect(recorded.get(), PGRES_COMMAND_OK, "record migration " + m.name);
        });
        if (!applied) return applied.error();
      }
      result_ptr current(PQexec(conn_.get(), "SELECT coalesce(max(version), 0) FROM schema_version"));
      if (auto ok = expect(current.get(), PGRES_TUPLES_OK, "read schema_version"); !ok) return ok.error();
      // The statements name the archive's tables, so they can only be prepared once those exist.
      if (auto ok = prepare(); !ok) return ok.error();
      return static_cast<int>(to_int64(PQgetvalue(current.get(), 0, 0)));
    });
  }

  archive_result<void> write(const archive_batch& batch) override {
    if (batch.empty()) return {};
    return retrying<void>([this, &batch]() -> archive_result<void> {
      if (auto ok = prepare(); !ok) return ok.error();
      if (auto ok = command("BEGIN", "begin"); !ok) return ok.error();
      auto written = [&]() -> archive_result<void> {
        for (const auto& row : batch.sessions)
          if (auto ok = upsert("upsert_session", detail::session_table(), row); !ok) return ok.error();
        for (const auto& row : batch.tickets)
          if (auto ok = upsert("upsert_ticket", detail::ticket_table(), row); !ok) return ok.error();
        for (const auto& row : batch.status_changes)
          if (auto ok = upsert("upsert_status_change", detail::status_table(), row); !ok) return ok.error();
        return command("COMMIT", "commit");
      }();
      if (!written) command("ROLLBACK", "rollback");
      return written;
    });
  }

  archive_result<std::vector<v1::ArchivedSession>> sessions(std::string_view from_day,
                                                            std::string_view to_day) override {
    return select("select_sessions", detail::session_table(), std::string(from_day), std::string(to_day));
  }

  archive_result<std::vector<v1::ArchivedTicket>> tickets(std::string_view from_day, std::string_view to_day) override {
    return select("select_tickets", detail::ticket_table(), std::string(from_day), std::string(to_day));
  }

  archive_result<std::vector<v1::ArchivedStatusChange>> status_changes(std::int64_t from_ms,
                                                                       std::int64_t to_ms) override {
    return select("select_status_changes", detail::status_table(), std::to_string(from_ms), std::to_string(to_ms));
  }

  archive_result<archive_counts> counts() override {
    return retrying<archive_counts>([this]() -> archive_result<archive_counts> {
      result_ptr result(PQexec(conn_.get(), counts_sql));
      if (auto ok = expect(result.get(), PGRES_TUPLES_OK, "count rows"); !ok) return ok.error();
      return archive_counts{to_int64(PQgetvalue(result.get(), 0, 0)), to_int64(PQgetvalue(result.get(), 0, 1)),
                            to_int64(PQgetvalue(result.get(), 0, 2))};
    });
  }

  archive_result<std::string> identity() override {
    // Value and error are both strings here: every return says which it is.
    using boost::system::in_place_error;
    using boost::system::in_place_value;
    const std::string fresh = core::random_hex(16);
    const char* params[] = {fresh.c_str()};
    result_ptr inserted(PQexecParams(
        conn_.get(), "INSERT INTO archive_identity (singleton, id) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING",
        1, nullptr, params, nullptr, nullptr, 0));
    if (auto ok = expect(inserted.get(), PGRES_COMMAND_OK, "record the archive's id"); !ok)
      return {in_place_error, ok.error()};
    result_ptr found(PQexec(conn_.get(), "SELECT id FROM archive_identity WHERE singleton = 1"));
    if (auto ok = expect(found.get(), PGRES_TUPLES_OK, "read the archive's id"); !ok)
      return {in_place_error, ok.error()};
    if (PQntuples(found.get()) != 1) return {in_place_error, "the archive has no id"};
    return {in_place_value, PQgetvalue(found.get(), 0, 0)};
  }

  std::string describe() const override {
    const char* host = PQhost(conn_.get());
    const char* port = PQport(conn_.get());
    const char* db = PQdb(conn_.get());
    return std::string("postgresql://") + (host ? host : "") + ":" + (port ? port : "") + "/" + (db ? db : "");
  }

 private:
  // A call that fails because the connection is gone gets one reconnect and one more try. Every
  // call may run twice: reads trivially, writes because each row is an upsert and a transaction
  // cut off before COMMIT was rolled back by the server.
  template <class T, class Call>
  archive_result<T> retrying(Call call) {
    auto first = call();
    if (first || PQstatus(conn_.get()) != CONNECTION_BAD) return first;
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      return first.error() + "; reconnecting failed: " + one_line(PQerrorMessage(conn_.get()));
    // Prepared statements belong to the server session that was lost.
    prepared_ = false;
    return call();
  }

  template <class Call>
  archive_result<void> in_locked_transaction(Call call) {
    if (auto ok = command("BEGIN", "begin"); !ok) return ok.error();
    result_ptr locked(PQexec(conn_.get(), migration_lock_sql));
    auto done = expect(locked.get(), PGRES_TUPLES_OK, "take the migration lock");
    if (done) done = call();
    if (done) done = command("COMMIT", "commit");
    if (!done) command("ROLLBACK", "rollback");
    return done;
  }

  archive_result<void> prepare() {
    if (prepared_) return {};
    for (const auto& s : statements()) {
      result_ptr result(PQprepare(conn_.get(), s.name, s.sql.c_str(), s.parameters, nullptr));
      if (auto ok = expect(result.get(), PGRES_COMMAND_OK, std::string("prepare ") + s.name); !ok) return ok.error();
    }
    prepared_ = true;
    return {};
  }

  archive_result<void> command(const char* sql, const std::string& what) {
    result_ptr result(PQexec(conn_.get(), sql));
    return expect(result.get(), PGRES_COMMAND_OK, what);
  }

  // A null result (out of memory, or no connection at all) carries its message on the connection.
  archive_result<void> expect(const PGresult* result, ExecStatusType wanted, const std::string& what) const {
    if (result && PQresultStatus(result) == wanted) return {};
    return what + ": " + (result ? server_message(result) : one_line(PQerrorMessage(conn_.get())));
  }

  template <class Row>
  archive_result<void> upsert(const char* name, const detail::table<Row>& t, const Row& row) {
    const auto values = detail::to_values(t, row);
    std::vector<const char*> params;
    params.reserve(values.size());
    for (const auto& v : values) params.push_back(v.c_str());
    result_ptr result(
        PQexecPrepared(conn_.get(), name, static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0));
    return expect(result.get(), PGRES_COMMAND_OK, "write " + std::string(t.name) + " " + values.front());
  }

  template <class Row>
  archive_result<std::vector<Row>> select(const char* name, const detail::table<Row>& t, const std::string& from,
                                          const std::string& to) {
    return retrying<std::vector<Row>>([&]() -> archive_result<std::vector<Row>> {
      if (auto ok = prepare(); !ok) return ok.error();
      const char* params[] = {from.c_str(), to.c_str()};
      result_ptr result(PQexecPrepared(conn_.get(), name, 2, params, nullptr, nullptr, 0));
      if (auto ok = expect(result.get(), PGRES_TUPLES_OK, "read " + std::string(t.name)); !ok) return ok.error();
      const int rows = PQntuples(result.get());
      const int fields = PQnfields(result.get());
      std::vector<Row> out;
      out.reserve(rows);
      std::vector<std::string> values(fields);
      for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < fields; ++c)
          values[c].assign(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c));
        out.push_back(detail::from_values(t, values));
      }
      return out;
    });
  }

  connection_ptr conn_;
  bool prepared_ = false;
};

}  // namespace

archive_result<std::unique_ptr<archive_store>> open_postgres_archive(const std::string& conninfo) {
  // Given as options rather than set after connecting, so PQreset restores them too. Keywords
  // before dbname are defaults the conninfo may override; client_encoding comes after because
  // protobuf strings are UTF-8 whatever the conninfo says.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "hotline", conninfo.c_str(), "UTF8", nullptr};
  connection_ptr conn(PQconnectdbParams(keywords, values, 1));
  if (!conn) return std::string("PostgreSQL archive: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return "PostgreSQL archive: cannot connect: " + one_line(PQerrorMessage(conn.get()));
  // Notices such as "relation schema_version already exists, skipping" are expected; errors come
  // back as values, so libpq's default of printing notices to stderr only adds noise.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  auto store = std::make_unique<postgres_store>(std::move(conn));
  if (auto migrated = store->migrate(); !migrated) return "PostgreSQL archive: " + migrated.error();
  return std::unique_ptr<archive_store>(std::move(store));
}

}  // namespace hotline::stats
