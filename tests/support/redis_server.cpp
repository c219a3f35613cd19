// Starting and stopping the test redis-server.
#include "redis_server.hpp"

#include <unistd.h>
#include <csignal>

#include <atomic>

namespace hotline::test {
namespace {

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
  return "unix:" + core::embedded_redis::socket_path(dir_).string();
}

void redis_server::start() {
  auto started = core::embedded_redis::start("redis-server", dir_, false);
  ASSERT_TRUE(started) << started.error();
  server_.emplace(std::move(*started));
}

void redis_server::stop() {
  if (!server_) return;
  resume();  // a paused server cannot act on SIGTERM
  server_->stop();
  server_.reset();
}

void redis_server::restart() {
  stop();
  start();
}

void redis_server::pause() { ::kill(server_->pid(), SIGSTOP); }

void redis_server::resume() {
  if (server_) ::kill(server_->pid(), SIGCONT);
}

redis_server& shared_redis() { return *shared; }

std::string unique_centre() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(::getpid()) + "n" + std::to_string(counter++);
}

}  // namespace hotline::test
