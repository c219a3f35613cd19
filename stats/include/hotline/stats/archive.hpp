#pragma once
// The session archive: finished sessions, tickets and lawyer status changes as SQL rows.
// One small interface with two real implementations: SQLite (embedded, the default) and
// PostgreSQL (several gateway nodes sharing one archive). Not thread-safe: one connection per
// user; the gateway runs its archive work on one thread of its own.

#include <hotline/proto/hotline.pb.h>

#include <boost/system/result.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::stats {

/// What the archiver writes in one transaction.
struct archive_batch {
  std::vector<v1::ArchivedSession> sessions;
  std::vector<v1::ArchivedTicket> tickets;
  std::vector<v1::ArchivedStatusChange> status_changes;
  bool empty() const { return sessions.empty() && tickets.empty() && status_changes.empty(); }
};

struct archive_counts {
  std::int64_t sessions = 0;
  std::int64_t tickets = 0;
  std::int64_t status_changes = 0;
};

/// Failures carry the database's own message: an archive error is for the operator to read.
template <class T>
using archive_result = boost::system::result<T, std::string>;

class archive_store {
 public:
  virtual ~archive_store() = default;

  /// Applies the migrations in stats/sql/ not yet recorded in schema_version, in order, each in
  /// its own transaction. Each open_*_archive calls it once.
  virtual archive_result<int> migrate() = 0;
  /// Writes the whole batch in one transaction, each row an upsert by its id: a replay of the
  /// same batch after a crash changes nothing, a newer state of a row replaces the older.
  virtual archive_result<void> write(const archive_batch& batch) = 0;
  /// Sessions whose day (of entering the queue) is within [from_day, to_day], YYYY-MM-DD.
  virtual archive_result<std::vector<v1::ArchivedSession>> sessions(std::string_view from_day,
                                                                    std::string_view to_day) = 0;
  /// Tickets whose day (of being left) is within [from_day, to_day].
  virtual archive_result<std::vector<v1::ArchivedTicket>> tickets(std::string_view from_day,
                                                                  std::string_view to_day) = 0;
  /// Status changes with from_ms <= at_ms < to_ms, plus each lawyer's last change before from_ms
  /// (the status they were in when the period began), ordered by time.
  virtual archive_result<std::vector<v1::ArchivedStatusChange>> status_changes(std::int64_t from_ms,
                                                                               std::int64_t to_ms) = 0;
  virtual archive_result<archive_counts> counts() = 0;
  /// The archive's own random id, made on first use: nodes that share an archive see the same one.
  virtual archive_result<std::string> identity() = 0;
  /// "sqlite:/path/archive.db" or "postgresql://host:port/db" (never the password).
  virtual std::string describe() const = 0;
};

/// The migrations compiled in (stats/sql/NNNN_*.sql): version number and SQL text, in order.
struct migration {
  int version;
  std::string name;
  std::string sql;
};
const std::vector<migration>& migrations();

/// Opens (and migrates) the archive: an empty url or "sqlite:<path>" is SQLite (default file
/// <data_dir>/archive.db, WAL mode); "postgresql://…" or "postgres://…" is PostgreSQL (a libpq
/// connection URI).
archive_result<std::unique_ptr<archive_store>> open_archive(std::string_view url,
                                                            const std::filesystem::path& data_dir);

// The two implementations; open_archive picks one.
archive_result<std::unique_ptr<archive_store>> open_sqlite_archive(const std::filesystem::path& file);
archive_result<std::unique_ptr<archive_store>> open_postgres_archive(const std::string& conninfo);

}  // namespace hotline::stats
