// Starting and stopping the embedded redis-server child by its PID.
#include "hotline/core/embedded_redis.hpp"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace hotline::core {
namespace {

bool socket_accepts(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

bool wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

std::filesystem::path embedded_redis::socket_path(const std::filesystem::path& dir) {
  return std::filesystem::absolute(dir) / "redis" / "redis.sock";
}

boost::system::result<embedded_redis, std::string> embedded_redis::start(const std::string& binary,
                                                                         const std::filesystem::path& dir,
                                                                         bool durable) {
  const auto redis_dir = std::filesystem::absolute(dir) / "redis";
  std::error_code ec;
  std::filesystem::create_directories(redis_dir, ec);
  if (ec) return "cannot create " + redis_dir.string() + ": " + ec.message();
  const auto socket = socket_path(dir);
  if (socket_accepts(socket))
    return "a Redis server already listens on " + socket.string() + " (is another hotline serve running?)";
  std::filesystem::remove(socket, ec);
  if (socket.string().size() >= sizeof(sockaddr_un{}.sun_path))
    return "the data directory path is too long for a unix socket: " + socket.string();

  // clang-format off
  std::vector<std::string> args{binary,
      "--port", "0", "--unixsocket", socket.string(), "--unixsocketperm", "700",
      "--dir", redis_dir.string(), "--appendonly", durable ? "yes" : "no", "--appendfsync", "always",
      "--save", "", "--maxmemory-policy", "noeviction", "--daemonize", "no",
      "--logfile", (redis_dir / "redis.log").string()};
  // clang-format on
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
  if (pid == 0) {
    // If the gateway dies without stopping us, the kernel stops us.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  embedded_redis child(pid, socket);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (socket_accepts(socket)) return child;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      child.pid_ = -1;
      return "redis-server (" + binary + ") exited at start; see " + (redis_dir / "redis.log").string();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "redis-server did not open " + socket.string() + " within 20 s";
}

embedded_redis::embedded_redis(embedded_redis&& other) noexcept : pid_(other.pid_), socket_(std::move(other.socket_)) {
  other.pid_ = -1;
}

embedded_redis::~embedded_redis() { stop(); }

std::string embedded_redis::address() const { return "unix:" + socket_.string(); }

void embedded_redis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait_exit(pid_, std::chrono::seconds(10))) {
    ::kill(pid_, SIGKILL);
    wait_exit(pid_, std::chrono::seconds(5));
  }
  pid_ = -1;
}

}  // namespace hotline::core
