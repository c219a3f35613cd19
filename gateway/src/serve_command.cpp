// `hotline serve`: embedded Redis if none is configured, the gateway, demo accounts on first run,
// and a clean stop on SIGINT/SIGTERM.
#include "cli.hpp"
#include "hotline/gateway/server.hpp"

#include <hotline/agents/password.hpp>
#include <hotline/core/embedded_redis.hpp>
#include <hotline/core/log.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>

#include <iostream>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

struct demo_account {
  const char* username;
  const char* name;
  v1::Role role;
  std::vector<std::string> categories;
  std::vector<std::string> languages;
  std::vector<std::string> backup_categories;
};

// Only categories and languages the configuration knows are given out.
std::vector<std::string> known(const std::vector<std::string>& wanted,
                               const std::vector<core::catalog_entry>& catalog) {
  std::vector<std::string> out;
  for (const auto& w : wanted)
    for (const auto& c : catalog)
      if (c.code == w) out.push_back(w);
  return out;
}

// A lawyer needs at least one primary category to be routed anything.
std::vector<std::string> known_or_first(const std::vector<std::string>& wanted,
                                        const std::vector<core::catalog_entry>& catalog) {
  auto out = known(wanted, catalog);
  if (out.empty() && !catalog.empty()) out.push_back(catalog.front().code);
  return out;
}

asio::awaitable<void> create_demo_accounts(agents::accounts& accounts, const core::config& config) {
  auto existing = co_await accounts.list();
  if (!existing || !existing->empty()) co_return;
  const std::vector<demo_account> demo{
      {"admin", "系统管理员", v1::ADMIN, {}, {}, {}},
      {"supervisor", "值班主管", v1::SUPERVISOR, {}, {}, {}},
      {"lawyer1",
       "张律师",
       v1::LAWYER_ROLE,
       {"consult.marriage", "consult.labour", "consult.contract"},
       {"zh"},
       {"consult.housing", "mediation"}},
      {"lawyer2",
       "李律师",
       v1::LAWYER_ROLE,
       {"consult.traffic", "consult.housing", "mediation", "guidance"},
       {"zh", "yue"},
       {"consult.marriage", "consult.contract"}},
      {"lawyer3",
       "王律师",
       v1::LAWYER_ROLE,
       {"consult.criminal", "consult.administrative", "consult.other", "legal_aid", "education", "complaint"},
       {"zh", "en"},
       {"consult.labour"}},
  };
  std::cout << "hotline: first run: demo accounts created (passwords are shown only now):\n";
  for (const auto& d : demo) {
    agents::new_account request;
    request.profile.username = d.username;
    request.profile.display_name = d.name;
    request.profile.role = d.role;
    if (d.role == v1::LAWYER_ROLE) {
      request.profile.categories = known_or_first(d.categories, config.routing.categories);
      request.profile.backup_categories = known(d.backup_categories, config.routing.categories);
      request.profile.languages = known_or_first(d.languages, config.routing.languages);
    }
    request.profile.chat_capacity = config.routing.default_chat_capacity;
    request.password = agents::generate_password();
    const std::string password = request.password;
    auto created = co_await accounts.create(std::move(request));
    if (!created) {
      std::cout << "  " << d.username << ": not created (" << created.error().message() << ")\n";
      continue;
    }
    std::cout << "  " << (d.role == v1::LAWYER_ROLE ? "LAWYER" : v1::Role_Name(d.role)) << "  " << d.username << "  "
              << password;
    if (d.role == v1::LAWYER_ROLE) {
      // The softphone's password (docs/telephony.md): only its digest hash is stored.
      const auto sip_password = agents::generate_password();
      if (co_await accounts.set_sip_password(d.username, config.phone.sip_domain, sip_password))
        std::cout << "  SIP " << sip_password;
    }
    std::cout << "\n";
  }
  std::cout.flush();
}

// Each caller and lawyer holds a socket: the usual soft limit of 1024 descriptors would refuse
// connections long before memory or CPU run out. Returns the limit in force.
rlim_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised{limit.rlim_max, limit.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
  }
  return limit.rlim_cur;
}

}  // namespace

int serve_command(const cli_args&, const core::config& config) {
  auto log = core::logger("gateway");
  log->info("open file limit: {}", raise_open_file_limit());
  std::optional<core::embedded_redis> embedded;
  std::string address = config.redis.address;
  if (address.empty()) {
    auto started = core::embedded_redis::start(config.redis.server_binary, config.data_dir);
    if (!started) {
      std::cerr << "hotline: cannot start the embedded Redis: " << started.error() << "\n";
      return 1;
    }
    embedded.emplace(std::move(*started));
    address = embedded->address();
    log->info("embedded redis-server (pid {}) at {}", embedded->pid(), address);
  } else if (!core::redis_endpoint::parse(address)) {
    std::cerr << "hotline: " << core::redis_endpoint::parse(address).error() << "\n";
    return 2;
  }

  asio::io_context io;
  const auto options = redis_options_for(config, address);
  core::redis_client redis(io.get_executor(), options, queue::engine::scripts());
  queue::engine queue(redis, config);
  agents::accounts accounts(redis, config);
  auto store = stats::open_archive(config.archive.url, config.data_dir);
  if (!store) {
    std::cerr << "hotline: cannot open the archive: " << store.error() << "\n";
    if (embedded) embedded->stop();
    return 1;
  }
  archive_service archive(config, std::move(*store));
  log->info("archive: {}", archive.describe());
  server gateway(io, config, options, redis, queue, accounts, archive);
  redis.start();
  auto port = gateway.start();
  if (!port) {
    std::cerr << "hotline: " << port.error() << "\n";
    return 1;
  }

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 300 && !redis.ready(); ++i) co_await pause(std::chrono::milliseconds(50));
        if (!redis.ready()) log->warn("Redis at {} is not reachable yet; serving anyway", address);
        if (auto stored = co_await queue.store_settings(); !stored)
          log->warn("could not store the routing settings yet ({}); the first call will", stored.error().message());
        if (config.accounts.demo_accounts) co_await create_demo_accounts(accounts, config);
        const std::string host =
            config.server.listen == "0.0.0.0" || config.server.listen == "::"
                ? "127.0.0.1"
                : (config.server.listen.find(':') != std::string::npos ? "[" + config.server.listen + "]"
                                                                       : config.server.listen);
        const std::string base = "http://" + host + ":" + std::to_string(*port);
        std::cout << "hotline: listening on " << base << "\n"
                  << "  caller chat:       " << base << "/chat.html\n"
                  << "  lawyer console:    " << base << "/console.html\n"
                  << "  manager dashboard: " << base << "/dashboard.html\n"
                  << "  Ctrl-C stops everything.\n";
        std::cout.flush();
      },
      asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    log->info("stopping");
    gateway.stop();
    // Let close frames go out, then stop whatever is still running.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await pause(std::chrono::milliseconds(300));
          redis.stop();
          co_await pause(std::chrono::milliseconds(200));
          io.stop();
        },
        asio::detached);
  });
  io.run();
  if (embedded) embedded->stop();
  log->info("stopped");
  return 0;
}

}  // namespace hotline::gateway
