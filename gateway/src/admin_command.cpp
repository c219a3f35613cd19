// `hotline admin`: account management against a running system's Redis.
#include "cli.hpp"

#include <hotline/agents/accounts.hpp>
#include <hotline/agents/password.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::optional<v1::Role> parse_role(const std::string& text) {
  if (text == "LAWYER") return v1::LAWYER_ROLE;
  if (text == "SUPERVISOR") return v1::SUPERVISOR;
  if (text == "ADMIN") return v1::ADMIN;
  return std::nullopt;
}

std::string role_name(v1::Role role) { return role == v1::LAWYER_ROLE ? "LAWYER" : v1::Role_Name(role); }

int fail(const std::string& message) {
  std::cerr << "hotline admin: " << message << "\n";
  return 1;
}

asio::awaitable<int> run_admin(const cli_args& args, agents::accounts& accounts, const core::config& config) {
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  const auto username = args.option("username").value_or("");
  if (verb == "list") {
    auto all = co_await accounts.list();
    if (!all) co_return fail(all.error().message());
    for (const auto& a : *all)
      std::cout << a.username << "\t" << role_name(a.role) << "\t" << a.display_name << "\t"
                << (a.disabled ? "disabled" : "active") << "\t" << join(a.categories) << "\t" << join(a.languages)
                << "\tchats " << a.chat_capacity << "\n";
    co_return 0;
  }
  if (username.empty()) co_return fail("--username is required");
  if (verb == "create") {
    const auto role = parse_role(args.option("role").value_or(""));
    if (!role) co_return fail("--role must be LAWYER, SUPERVISOR or ADMIN");
    agents::new_account request;
    request.profile.username = username;
    request.profile.display_name = args.option("name").value_or(username);
    request.profile.role = *role;
    request.profile.categories = split_list(args.option("categories").value_or(""));
    request.profile.languages = split_list(args.option("languages").value_or(""));
    request.profile.chat_capacity =
        std::atoi(args.option("chat-capacity").value_or(std::to_string(config.routing.default_chat_capacity)).c_str());
    const bool generated = !args.option("password");
    request.password = generated ? agents::generate_password() : *args.option("password");
    const std::string password = request.password;
    auto created = co_await accounts.create(std::move(request));
    if (!created) co_return fail(created.error().message());
    std::cout << "created " << username << (generated ? " with password " + password : std::string()) << "\n";
    co_return 0;
  }
  if (verb == "disable" || verb == "enable") {
    auto done = co_await accounts.set_disabled(username, verb == "disable");
    if (!done) co_return fail(done.error().message());
    std::cout << username << (verb == "disable" ? " disabled" : " enabled") << "\n";
    co_return 0;
  }
  if (verb == "set-skills") {
    const int capacity =
        std::atoi(args.option("chat-capacity").value_or(std::to_string(config.routing.default_chat_capacity)).c_str());
    auto done = co_await accounts.set_skills(username, split_list(args.option("categories").value_or("")),
                                             split_list(args.option("languages").value_or("")), capacity);
    if (!done) co_return fail(done.error().message());
    std::cout << username << " skills updated\n";
    co_return 0;
  }
  co_return fail("unknown admin command '" + verb + "' (list, create, disable, enable, set-skills)");
}

}  // namespace

int admin_command(const cli_args& args, const core::config& config) {
  asio::io_context io;
  auto options = redis_options_for(config, config.redis.address);
  options.name = "admin";
  core::redis_client redis(io.get_executor(), options);
  agents::accounts accounts(redis, config);
  redis.start();
  int status = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        status = co_await run_admin(args, accounts, config);
        redis.stop();
      },
      asio::detached);
  io.run();
  return status;
}

}  // namespace hotline::gateway
