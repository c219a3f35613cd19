// Configuring, populating and starting `hotline serve`, and reading its cost from /proc and /metrics.
#include "gateway_instance.hpp"

#include "http_client.hpp"

#include <time.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace loadgen {

namespace {

// deploy/hotline.toml's values, spelled out so that a changed built-in default does not silently change
// the benchmark, with the benchmark's overrides: no phone, no demo accounts, a queue long enough for
// every waiting caller, no overflow timer, a short caller grace (closing thousands of waiting sockets
// must not keep them queued for a minute), warn-level logs, and only the catalog entries it uses.
std::string config_text(const std::filesystem::path& dir, int max_queue_length, int threads) {
  std::ostringstream t;
  t << "[server]\nlisten = \"127.0.0.1\"\nport = 0\nweb_root = \"" << (dir / "web").string() << "\"\n"
    << "max_body_bytes = 65536\nmax_header_bytes = 8192\nmax_ws_message_bytes = 65536\n"
    << "http_idle_timeout_seconds = 30\nws_idle_timeout_seconds = 120\nws_outbound_queue_limit = 256\n"
    << "threads = " << threads << "\n"
    << "[redis]\nrequest_timeout_ms = 2000\nconnect_timeout_ms = 2000\n"
    << "[data]\ndir = \"" << (dir / "data").string() << "\"\n"
    << "[centre]\nid = \"bench\"\nname = \"12348 公共法律服务热线\"\nutc_offset_minutes = 480\n"
    << "[routing]\nring_timeout_seconds = 30\nwrap_up_seconds = 120\nreconnect_grace_seconds = 1\n"
    << "max_missed_offers = 3\nsweep_interval_ms = 250\ndefault_chat_capacity = 3\npriority_boost_seconds = 120\n"
    // Overflow stages at 30 s and 90 s would sweep every waiting caller inside the waiting rows'
    // window: a cost per waiting caller and stage, not per arrival, so they are moved out of it.
    << "estimated_handle_seconds = 300\nurgent_boost_seconds = 600\nbackup_after_seconds = 3600\n"
    << "general_after_seconds = 3600\nmax_wait_seconds = 3600\nmax_queue_length = " << max_queue_length << "\n"
    << "selection = \"longest_idle\"\ndecline_exclusion_seconds = 60\nticket_reply_hours = 24\n"
    << "transfer_destinations = [{ code = \"12345\", name = \"政务服务便民热线\" }, { code = \"110\", name = \"公安报警\" }]\n"
    << "categories = [{ code = \"consult.marriage\", name = \"婚姻家庭\" },"
       " { code = \"consult.labour\", name = \"劳动争议与工资\" }, { code = \"consult.contract\", name = \"合同与债务\" }]\n"
    << "languages = [{ code = \"zh\", name = \"普通话\" }, { code = \"en\", name = \"English\" }]\n"
    << "[archive]\nurl = \"\"\nretention_hours = 168\nbatch_size = 500\npoll_interval_ms = 200\nlease_seconds = 10\n"
    << "trim_interval_seconds = 60\n"
    << "[accounts]\ntoken_ttl_hours = 12\ndemo_accounts = false\n"
    // The generator's callers all come from 127.0.0.1 and fill queues on purpose.
    << "[admission]\nmax_connections = 1000000\nstaff_reserve = 100\ncaller_sockets_per_source = 1000000\n"
    << "starts_per_source_per_minute = 1000000\nwaiting_per_source = 1000000\nchat_queue_share_percent = 100\n"
    << "[log]\nlevel = \"warn\"\n"
    << "[phone]\nenabled = false\n";
  return t.str();
}

}  // namespace

gateway_instance::gateway_instance(gateway_settings settings, std::filesystem::path dir)
    : settings_(std::move(settings)), dir_(std::move(dir)) {}

asio::awaitable<bool> gateway_instance::create_lawyers(std::string& error) {
  // argon2id makes each account take a moment: a few `hotline admin` processes at once.
  constexpr int parallel = 4;
  std::vector<std::unique_ptr<child_process>> running;
  const auto config = (dir_ / "hotline.toml").string();
  for (int i = 1; i <= settings_.lawyers || !running.empty();) {
    if (i <= settings_.lawyers && static_cast<int>(running.size()) < parallel) {
      const std::vector<std::string> argv{
          settings_.binary, "admin", "create", "--config", config, "--redis", settings_.redis_address,
          "--username", lawyer_name(i), "--name", "律师" + std::to_string(i), "--role", "LAWYER",
          "--password", lawyer_password(i), "--categories", "consult.marriage", "--languages", "zh",
          "--chat-capacity", std::to_string(settings_.capacity)};
      running.push_back(std::make_unique<child_process>(argv, dir_ / "admin.log"));
      ++i;
      continue;
    }
    const int status = co_await running.front()->wait(std::chrono::seconds(60));
    if (status != 0) {
      error = "hotline admin create failed (status " + std::to_string(status) + "):\n" + running.front()->output();
      co_return false;
    }
    running.erase(running.begin());
  }
  co_return true;
}

asio::awaitable<bool> gateway_instance::start(std::string& error) {
  std::filesystem::create_directories(dir_ / "web");
  std::filesystem::create_directories(dir_ / "data");
  std::ofstream(dir_ / "hotline.toml") << config_text(dir_, settings_.max_queue_length, settings_.threads);
  const bool created = co_await create_lawyers(error);
  if (!created) co_return false;
  const std::vector<std::string> argv{settings_.binary,      "serve",  "--config", (dir_ / "hotline.toml").string(),
                                      "--redis",             settings_.redis_address, "--port", "0",
                                      "--listen",            "127.0.0.1", "--data-dir", (dir_ / "data").string()};
  process_ = std::make_unique<child_process>(argv, dir_ / "serve.log");
  auto rest = co_await process_->wait_for_line("hotline: listening on http://127.0.0.1:", std::chrono::seconds(60));
  if (!rest) {
    error = "hotline serve did not print its port:\n" + process_->output();
    co_return false;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(*rest));
  const std::string readyz = "/readyz", no_body;
  for (int i = 0; i < 600; ++i) {
    const auto ready = co_await http_request(port_, boost::beast::http::verb::get, readyz, no_body);
    if (ready.status == 200) co_return true;
    co_await sleep_for(std::chrono::milliseconds(50));
  }
  error = "hotline serve never became ready:\n" + process_->output();
  co_return false;
}

asio::awaitable<void> gateway_instance::stop() {
  if (process_) co_await process_->stop();
}

double gateway_instance::cpu_seconds() const {
  clockid_t cpu_clock;
  timespec now{};
  if (!process_ || clock_getcpuclockid(process_->pid(), &cpu_clock) != 0 || clock_gettime(cpu_clock, &now) != 0)
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

long gateway_instance::rss_kb() const {
  if (!process_) return 0;
  std::ifstream status("/proc/" + std::to_string(process_->pid()) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

asio::awaitable<double> gateway_instance::redis_requests() const {
  const std::string target = "/metrics", no_body;
  const auto metrics = co_await http_request(port_, boost::beast::http::verb::get, target, no_body);
  const std::string_view key = "\nhotline_redis_requests_total ";
  const auto at = metrics.body.find(key);
  if (metrics.status != 200 || at == std::string::npos) co_return std::numeric_limits<double>::quiet_NaN();
  co_return std::stod(metrics.body.substr(at + key.size()));
}

}  // namespace loadgen
