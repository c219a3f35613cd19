#pragma once
// The `hotline` command line: subcommands serve, admin and report, and what they share
// (options, the effective configuration, where Redis is).

#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hotline::gateway {

struct cli_args {
  std::vector<std::string> positional;         ///< subcommand and its verbs
  std::map<std::string, std::string> options;  ///< --name value
  std::optional<std::string> option(const std::string& name) const;
};

/// Parses argv; false with a message for an option without its value.
bool parse_cli(int argc, char** argv, cli_args& out, std::string& error);

/// The config file (--config, $HOTLINE_CONFIG, else deploy/hotline.toml) with the flag and
/// environment overrides applied: --port/$HOTLINE_PORT, --listen, --redis/$HOTLINE_REDIS,
/// --data-dir/$HOTLINE_DATA_DIR, --web-root, --no-phone.
boost::system::result<core::config, std::string> effective_config(const cli_args& args);

/// Where an already running system's Redis is: the configured address, else the embedded
/// server's socket under the data directory.
core::redis_options redis_options_for(const core::config& config, const std::string& address);

/// Runs `body` against the running system's Redis (see redis_options_for) and returns its exit status.
int with_redis(const core::config& config, const std::string& name,
               const std::function<boost::asio::awaitable<int>(core::redis_client&)>& body);

class archive_service;
/// Like with_redis, with the archive opened too.
int with_archive(const core::config& config, const std::string& name,
                 const std::function<boost::asio::awaitable<int>(core::redis_client&, archive_service&)>& body);

int serve_command(const cli_args& args, const core::config& config);
int simulate_command(const cli_args& args, const core::config& config);
int admin_command(const cli_args& args, const core::config& config);
int report_command(const cli_args& args, const core::config& config);
int phone_config_command(const cli_args& args, const core::config& config);

}  // namespace hotline::gateway
