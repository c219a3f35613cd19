// Starting and stopping the test PostgreSQL: initdb and the postmaster are our own children, run
// as the postgres user, so the PID we hold is the server's and stopping it needs no pg_ctl.
#include "postgres_server.hpp"

#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace hotline::test {
namespace {

constexpr auto ready_limit = std::chrono::seconds(30);
constexpr auto initdb_limit = std::chrono::seconds(120);

// The newest installed major version, e.g. /usr/lib/postgresql/15/bin; empty if there is none.
std::filesystem::path find_bin() {
  glob_t found{};
  std::filesystem::path best;
  int best_major = -1;
  if (::glob("/usr/lib/postgresql/*/bin", GLOB_ONLYDIR, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      const std::filesystem::path bin = found.gl_pathv[i];
      if (::access((bin / "postgres").c_str(), X_OK) != 0 || ::access((bin / "initdb").c_str(), X_OK) != 0) continue;
      // glob sorts by name, which puts 9.6 after 15.
      const std::string version = bin.parent_path().filename().string();
      int major = 0;
      std::from_chars(version.data(), version.data() + version.size(), major);
      if (major > best_major) {
        best_major = major;
        best = bin;
      }
    }
  }
  ::globfree(&found);
  return best;
}

struct identity {
  uid_t uid;
  gid_t gid;
  bool switch_user;
};

// initdb and postgres refuse to run as root; as anyone else they run as that user.
std::optional<identity> server_identity() {
  if (::geteuid() != 0) return identity{::geteuid(), ::getegid(), false};
  const passwd* user = ::getpwnam("postgres");
  if (!user) return std::nullopt;
  return identity{user->pw_uid, user->pw_gid, true};
}

pid_t spawn(std::vector<std::string> args, const identity& as, const std::filesystem::path& dir,
            const std::filesystem::path& log, int death_signal) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Only async-signal-safe calls from here on: the test binary may have other threads.
  if (as.switch_user && (::setgroups(0, nullptr) != 0 || ::setgid(as.gid) != 0 || ::setuid(as.uid) != 0)) ::_exit(126);
  // After setuid, which clears it: if the test binary dies without stopping us, the kernel does.
  ::prctl(PR_SET_PDEATHSIG, death_signal);
  if (::getppid() != parent) ::_exit(1);
  if (::chdir(dir.c_str()) != 0) ::_exit(126);
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) ::_exit(126);
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  // An inherited socket (a test's Redis connection, say) would outlive the test's own close.
  ::close_range(3, ~0U, 0);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

// The exit status once the child has exited within the limit.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno == ECHILD) return 0;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Another process may take the port between our close and the postmaster's bind; start() retries.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string log_tail(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  constexpr std::size_t keep = 2000;
  return "\n--- " + path.string() + " ---\n" + (text.size() > keep ? text.substr(text.size() - keep) : text);
}

// Empty on success, else the server's message.
std::string execute(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

}  // namespace

postgres_server::postgres_server() {
  if (auto error = start(); !error.empty()) {
    stop();
    throw std::runtime_error("test PostgreSQL: " + error);
  }
}

postgres_server::~postgres_server() { stop(); }

bool postgres_server::available() { return !find_bin().empty() && server_identity().has_value(); }

std::string postgres_server::conninfo() const { return url("hotline_test"); }

std::string postgres_server::url(const std::string& database) const {
  return "postgresql://hotline@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string postgres_server::fresh_database() {
  const std::string name = "hotline_test_" + std::to_string(++databases_);
  if (auto error = execute(url("postgres"), "CREATE DATABASE " + name); !error.empty())
    throw std::runtime_error("test PostgreSQL: CREATE DATABASE " + name + ": " + error);
  return url(name);
}

std::string postgres_server::start() {
  bin_ = find_bin();
  if (bin_.empty()) return "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin";
  const auto as = server_identity();
  if (!as) return "running as root and there is no postgres user to run the server as";

  char pattern[] = "/tmp/hotline-pg-XXXXXX";
  if (!::mkdtemp(pattern)) return std::string("mkdtemp: ") + std::strerror(errno);
  dir_ = pattern;
  if (::chown(dir_.c_str(), as->uid, as->gid) != 0) return "chown " + dir_.string() + ": " + std::strerror(errno);
  const auto data = dir_ / "data";

  // --no-sync and fsync=off: a throwaway cluster need not survive a power cut. The C locale
  // compares text bytewise, as SQLite does, so both archives order and filter days alike.
  const pid_t initdb = spawn({(bin_ / "initdb").string(), "-D", data.string(), "-U", "hotline", "--auth=trust", "-E",
                              "UTF8", "--locale=C", "--no-sync"},
                             *as, dir_, dir_ / "initdb.log", SIGKILL);
  if (initdb < 0) return std::string("fork: ") + std::strerror(errno);
  const auto status = wait_exit(initdb, initdb_limit);
  if (!status) {
    ::kill(initdb, SIGKILL);
    wait_exit(initdb, std::chrono::seconds(5));
    return "initdb did not finish within 120 s" + log_tail(dir_ / "initdb.log");
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) return "initdb failed" + log_tail(dir_ / "initdb.log");

  const auto log = dir_ / "postgres.log";
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    if (port_ == 0) return std::string("no free loopback port: ") + std::strerror(errno);
    pid_ = spawn({(bin_ / "postgres").string(), "-D", data.string(), "-p", std::to_string(port_), "-c",
                  "listen_addresses=127.0.0.1", "-k", dir_.string(), "-c", "fsync=off"},
                 *as, dir_, log, SIGINT);
    if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);
    const std::string ping = url("postgres") + "?connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + ready_limit;
    bool ready = false;
    while (!ready && std::chrono::steady_clock::now() < deadline) {
      if (PQping(ping.c_str()) == PQPING_OK) {
        ready = true;
      } else if (wait_exit(pid_, std::chrono::milliseconds(0))) {
        pid_ = -1;
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    if (ready) break;
    if (pid_ > 0) return "postgres did not accept connections within 30 s" + log_tail(log);
    const bool port_taken = read_file(log).find("could not bind") != std::string::npos;
    if (!port_taken || attempt == 3) return "postgres exited at start" + log_tail(log);
    std::filesystem::remove(log);
  }

  if (auto error = execute(url("postgres"), "CREATE DATABASE hotline_test"); !error.empty())
    return "CREATE DATABASE hotline_test: " + error;
  return {};
}

void postgres_server::stop() {
  if (pid_ > 0) {
    // SIGINT is the fast shutdown: open connections are ended rather than waited for.
    ::kill(pid_, SIGINT);
    if (!wait_exit(pid_, std::chrono::seconds(20))) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(5));
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

}  // namespace hotline::test
