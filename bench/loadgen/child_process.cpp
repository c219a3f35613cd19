// Spawning and stopping the generator's child processes.
#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace loadgen {

child_process::child_process(const std::vector<std::string>& argv, const std::filesystem::path& log) : log_(log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int output = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output < 0) throw std::runtime_error("cannot open " + log.string() + ": " + std::strerror(errno));
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // A generator that crashes or is killed by ctest's timeout takes its servers with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int nothing = ::open("/dev/null", O_RDONLY);
    ::dup2(nothing, STDIN_FILENO);
    ::dup2(output, STDOUT_FILENO);
    ::dup2(output, STDERR_FILENO);
    // The generator's sockets are no business of the child's.
    ::close_range(3, ~0U, 0);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(output);
  if (pid_ < 0) throw std::runtime_error("cannot start " + argv.front() + ": " + std::strerror(errno));
}

child_process::~child_process() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == 0) return true;
  pid_ = -1;
  return false;
}

std::string child_process::output(std::size_t bytes) const {
  std::ifstream in(log_);
  std::ostringstream text;
  text << in.rdbuf();
  auto all = text.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

asio::awaitable<std::optional<std::string>> child_process::wait_for_line(const char* prefix, clock::duration limit) {
  const std::string_view wanted = prefix;
  const auto deadline = clock::now() + limit;
  for (;;) {
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(wanted)) co_return line.substr(wanted.size());
    if (!running() || clock::now() >= deadline) co_return std::nullopt;
    co_await sleep_for(std::chrono::milliseconds(20));
  }
}

asio::awaitable<int> child_process::wait(clock::duration limit) {
  const auto deadline = clock::now() + limit;
  while (running()) {
    if (clock::now() >= deadline) co_return -1;
    co_await sleep_for(std::chrono::milliseconds(10));
  }
  co_return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

asio::awaitable<void> child_process::stop(clock::duration grace) {
  if (!running()) co_return;
  ::kill(pid_, SIGTERM);
  const int status = co_await wait(grace);
  if (status >= 0) co_return;
  ::kill(pid_, SIGKILL);
  co_await wait(std::chrono::seconds(5));
}

}  // namespace loadgen
