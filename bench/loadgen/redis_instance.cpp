// Starting redis-server on a free port and reading INFO from it.
#include "redis_instance.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <charconv>

namespace loadgen {

namespace {

using tcp = asio::ip::tcp;

// Redis takes no port 0 for TCP: ask the kernel for a free one and hand it over (a tiny race,
// retried by the caller when the server cannot bind).
std::uint16_t free_port(asio::any_io_executor ex) {
  tcp::acceptor probe(ex, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

std::vector<std::string> server_argv(const std::string& binary, std::uint16_t port, const std::filesystem::path& dir,
                                     bool durable) {
  std::vector<std::string> argv{binary, "--port", std::to_string(port), "--bind", "127.0.0.1", "--dir", dir.string(),
                                "--save", "", "--daemonize", "no", "--logfile", ""};
  if (durable) {
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "always"});
  } else {
    argv.insert(argv.end(), {"--appendonly", "no"});
  }
  return argv;
}

double number_after(std::string_view text, std::string_view key) {
  const auto at = text.find(key);
  if (at == std::string_view::npos) return 0;
  double value = 0;
  const char* begin = text.data() + at + key.size();
  std::from_chars(begin, text.data() + text.size(), value);
  return value;
}

}  // namespace

redis_instance::redis_instance(std::string binary, std::filesystem::path dir, bool durable)
    : binary_(std::move(binary)), dir_(std::move(dir)), durable_(durable) {}

std::string redis_instance::address() const { return "127.0.0.1:" + std::to_string(port_); }

asio::awaitable<bool> redis_instance::start(std::string& error) {
  auto ex = co_await asio::this_coro::executor;
  std::filesystem::create_directories(dir_);
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port(ex);
    process_ = std::make_unique<child_process>(server_argv(binary_, port_, dir_, durable_), dir_ / "redis.log");
    for (int i = 0; i < 250 && process_->running(); ++i) {
      probe_ = std::make_unique<tcp::socket>(ex);
      boost::system::error_code ec;
      const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
      co_await probe_->async_connect(server, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        const auto pong = co_await command("PING");
        if (pong) co_return true;
      }
      co_await sleep_for(std::chrono::milliseconds(20));
    }
    error = process_->output();
    co_await process_->stop();
  }
  co_return false;
}

asio::awaitable<std::optional<std::string>> redis_instance::command(std::string_view line) {
  boost::system::error_code ec;
  std::string request(line);
  request += "\r\n";
  co_await asio::async_write(*probe_, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  buffer_.clear();
  const auto header = co_await asio::async_read_until(*probe_, asio::dynamic_buffer(buffer_), "\r\n",
                                                      asio::redirect_error(asio::use_awaitable, ec));
  if (ec || buffer_.empty() || buffer_[0] == '-') co_return std::nullopt;
  if (buffer_[0] != '$') co_return buffer_.substr(1, header - 3);
  std::size_t length = 0;
  std::from_chars(buffer_.data() + 1, buffer_.data() + header - 2, length);
  const std::size_t total = header + length + 2;
  if (buffer_.size() < total)
    co_await asio::async_read(*probe_, asio::dynamic_buffer(buffer_), asio::transfer_exactly(total - buffer_.size()),
                              asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  co_return buffer_.substr(header, length);
}

asio::awaitable<std::optional<redis_counters>> redis_instance::counters() {
  auto info = co_await command("INFO cpu commandstats");
  if (!info) co_return std::nullopt;
  redis_counters out;
  out.cpu_seconds = number_after(*info, "used_cpu_sys:") + number_after(*info, "used_cpu_user:");
  std::string_view text = *info;
  for (auto at = text.find("cmdstat_"); at != std::string_view::npos; at = text.find("cmdstat_", at + 1)) {
    const auto line = text.substr(at, text.find('\r', at) - at);
    if (line.starts_with("cmdstat_info:")) continue;  // the probe's own
    out.commands += number_after(line, "calls=");
  }
  co_return out;
}

asio::awaitable<void> redis_instance::stop() {
  if (probe_) {
    boost::system::error_code ignored;
    probe_->close(ignored);
  }
  if (process_) co_await process_->stop();
}

}  // namespace loadgen
