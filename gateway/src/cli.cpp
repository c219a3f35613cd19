// Option parsing and configuration overrides shared by the subcommands.
#include "cli.hpp"

#include <hotline/core/embedded_redis.hpp>
#include <hotline/queue/engine.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string_view>

namespace hotline::gateway {

std::optional<std::string> cli_args::option(const std::string& name) const {
  auto found = options.find(name);
  if (found == options.end()) return std::nullopt;
  return found->second;
}

bool parse_cli(int argc, char** argv, cli_args& out, std::string& error) {
  // Options that take no value.
  static const std::set<std::string> flags{"write", "no-phone"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.options["help"] = "1";
    } else if (arg.starts_with("--")) {
      const auto eq = arg.find('=');
      if (eq != std::string::npos) {
        out.options[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
      } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
        out.options[arg.substr(2)] = argv[++i];
      } else if (flags.contains(arg.substr(2))) {
        out.options[arg.substr(2)] = "1";
      } else {
        error = "option " + arg + " needs a value";
        return false;
      }
    } else {
      out.positional.push_back(arg);
    }
  }
  return true;
}

boost::system::result<core::config, std::string> effective_config(const cli_args& args) {
  auto pick = [&](const char* option, const char* env) -> std::optional<std::string> {
    if (auto v = args.option(option)) return v;
    if (env)
      if (const char* e = std::getenv(env); e && *e) return std::string(e);
    return std::nullopt;
  };
  const std::string path = pick("config", "HOTLINE_CONFIG").value_or("deploy/hotline.toml");
  auto loaded = core::load_config(path);
  if (!loaded) return loaded;
  core::config config = std::move(*loaded);
  if (auto port = pick("port", "HOTLINE_PORT")) {
    int value = -1;
    auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (ec != std::errc{} || end != port->data() + port->size() || value < 0 || value > 65535)
      return boost::system::result<core::config, std::string>(boost::system::in_place_error,
                                                              "port '" + *port + "' is not 0-65535");
    config.server.port = static_cast<std::uint16_t>(value);
  }
  if (auto listen = pick("listen", "HOTLINE_LISTEN")) config.server.listen = *listen;
  if (auto redis = pick("redis", "HOTLINE_REDIS")) config.redis.address = *redis;
  if (auto dir = pick("data-dir", "HOTLINE_DATA_DIR")) config.data_dir = *dir;
  if (auto web = pick("web-root", "HOTLINE_WEB_ROOT")) config.server.web_root = *web;
  if (auto archive = pick("archive", "HOTLINE_ARCHIVE_URL")) config.archive.url = *archive;
  if (args.option("no-phone")) config.phone.enabled = false;
  if (args.option("demo-accounts")) config.accounts.demo_accounts = true;
  if (const char* token = std::getenv("HOTLINE_METRICS_TOKEN"); token && *token) config.server.metrics_token = token;
  return config;
}

core::redis_options redis_options_for(const core::config& config, const std::string& address) {
  core::redis_options options;
  const std::string where =
      address.empty() ? "unix:" + core::embedded_redis::socket_path(config.data_dir).string() : address;
  if (auto endpoint = core::redis_endpoint::parse(where)) options.endpoint = *endpoint;
  options.request_timeout = std::chrono::milliseconds(config.redis.request_timeout_ms);
  options.connect_timeout = std::chrono::milliseconds(config.redis.connect_timeout_ms);
  return options;
}

int with_redis(const core::config& config, const std::string& name,
               const std::function<boost::asio::awaitable<int>(core::redis_client&)>& body) {
  boost::asio::io_context io;
  auto options = redis_options_for(config, config.redis.address);
  options.name = name;
  core::redis_client redis(io.get_executor(), options, queue::engine::scripts());
  redis.start();
  int status = 1;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        status = co_await body(redis);
        redis.stop();
      },
      boost::asio::detached);
  io.run();
  return status;
}

}  // namespace hotline::gateway
