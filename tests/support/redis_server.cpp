// Starting and stopping the test redis-server.
#include "redis_server.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace hotline::test {
namespace {

bool accepts(const std::filesystem::path& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, socket_path.c_str(), sizeof a.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

redis_server* shared = nullptr;

class environment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (std::getenv("HOTLINE_TEST_REDIS")) return;
    shared = new redis_server();
    shared->start();
  }
  void TearDown() override {
    delete shared;
    shared = nullptr;
  }
};

[[maybe_unused]] auto* const registered = ::testing::AddGlobalTestEnvironment(new environment);

}  // namespace

redis_server::redis_server() {
  char pattern[] = "/tmp/hotline-redis-XXXXXX";
  dir_ = ::mkdtemp(pattern);
}

redis_server::~redis_server() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string redis_server::address() const {
  if (const char* external = std::getenv("HOTLINE_TEST_REDIS")) return external;
  return "unix:" + (dir_ / "redis.sock").string();
}

void redis_server::start() {
  const auto socket = dir_ / "redis.sock";
  std::vector<std::string> args{
      "redis-server", "--port", "0",           "--unixsocket", socket.string(),        "--save", "", "--appendonly",
      "no",           "--dir",  dir_.string(), "--logfile",    (dir_ / "log").string()};
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(socket)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "redis-server did not start";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void redis_server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void redis_server::restart() {
  stop();
  start();
}

void redis_server::pause() { ::kill(pid_, SIGSTOP); }

void redis_server::resume() { ::kill(pid_, SIGCONT); }

redis_server& shared_redis() { return *shared; }

std::string unique_centre() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(::getpid()) + "n" + std::to_string(counter++);
}

}  // namespace hotline::test
