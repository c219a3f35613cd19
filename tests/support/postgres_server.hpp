#pragma once
// A real, throwaway PostgreSQL for one test binary: initdb into a temp dir, the postmaster on a
// free loopback port with trust auth and fsync off, stopped by PID and deleted when done. Tests
// run as root, which initdb and postgres refuse, so both run as the `postgres` system user.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace hotline::test {

class postgres_server {
 public:
  /// Starts the server and creates the database conninfo() names (a few seconds). Throws
  /// std::runtime_error, with the end of the server's log, if it cannot.
  postgres_server();
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  /// Whether the PostgreSQL server binaries (and, as root, the postgres user) are there; a test
  /// checks this first so it can say why it skips rather than fail.
  static bool available();

  /// "postgresql://hotline@127.0.0.1:PORT/hotline_test"
  std::string conninfo() const;
  /// Creates a new, uniquely named database and returns its conninfo, so a test starts from an
  /// empty archive without dropping anything. Throws std::runtime_error if CREATE DATABASE fails.
  std::string fresh_database();
  /// Fast shutdown (SIGINT), SIGKILL if the postmaster has not exited within 20 s, then removes
  /// the temp dir. Safe to call twice.
  void stop();

 private:
  std::string start();
  std::string url(const std::string& database) const;

  std::filesystem::path bin_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
};

}  // namespace hotline::test
