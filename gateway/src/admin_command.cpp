// `hotline admin`: account management against a running system's Redis.
#include "cli.hpp"

#include <hotline/agents/accounts.hpp>
#include <hotline/agents/password.hpp>
#include <hotline/core/text.hpp>
#include <hotline/queue/engine.hpp>

#include <iostream>

namespace hotline::gateway {

namespace asio = boost::asio;

namespace {

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

// The account's tokens are gone and its WebSockets closing: a lawyer also leaves routing at once
// (a ringing offer goes back to its place in line) instead of when the connection's grace ends.
asio::awaitable<int> end_routing(agents::accounts& accounts, queue::engine& engine, const std::string& username,
                                 const std::string& done) {
  auto who = co_await accounts.find(username);
  auto state = co_await engine.agent(username);
  if (who && state && state->status != v1::OFFLINE) {
    queue::agent_profile profile{who->username, who->display_name, who->skills(), who->backup_skills(),
                                 who->chat_capacity};
    auto offline = co_await engine.set_status(profile, v1::OFFLINE, "", "access_ended");
    if (!offline) co_return fail(username + " " + done + ", but could not be signed out of routing: " +
                                 offline.error().message());
  }
  std::cout << username << " " << done << "; signed out everywhere\n";
  co_return 0;
}

asio::awaitable<int> run_admin(const cli_args& args, core::redis_client& redis, const core::config& config) {
  agents::accounts accounts(redis, config);
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  const auto username = args.option("username").value_or("");
  if (verb == "verify") {
    queue::engine engine(redis, config);
    auto problems = co_await engine.verify();
    if (!problems) co_return fail(problems.error().message());
    for (const auto& p : *problems) std::cout << p << "\n";
    std::cout << (problems->empty() ? "routing state is consistent\n"
                                    : std::to_string(problems->size()) + " problems found\n");
    co_return problems->empty() ? 0 : 1;
  }
  if (verb == "list") {
    auto all = co_await accounts.list();
    if (!all) co_return fail(all.error().message());
    // One line per account, tab separated, "-" for an empty list so every line has the same columns.
    auto list = [](const std::vector<std::string>& items) { return items.empty() ? "-" : core::join_list(items); };
    for (const auto& a : *all)
      std::cout << a.username << "\t" << role_name(a.role) << "\t" << a.display_name << "\t"
                << (a.disabled ? "disabled" : "active") << "\t" << list(a.categories) << "\tbackup "
                << list(a.backup_categories) << "\t" << list(a.languages) << "\tchats " << a.chat_capacity << "\n";
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
    request.profile.categories = core::split_list(args.option("categories").value_or(""));
    request.profile.backup_categories = core::split_list(args.option("backup-categories").value_or(""));
    request.profile.languages = core::split_list(args.option("languages").value_or(""));
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
  queue::engine engine(redis, config);
  if (verb == "disable") {
    auto done = co_await accounts.set_disabled(username, true);
    if (!done) co_return fail(done.error().message());
    co_return co_await end_routing(accounts, engine, username, "disabled");
  }
  if (verb == "enable") {
    auto done = co_await accounts.set_disabled(username, false);
    if (!done) co_return fail(done.error().message());
    std::cout << username << " enabled\n";
    co_return 0;
  }
  if (verb == "set-role") {
    const auto role = parse_role(args.option("role").value_or(""));
    if (!role) co_return fail("--role must be LAWYER, SUPERVISOR or ADMIN");
    auto done = co_await accounts.set_role(username, *role);
    if (!done) co_return fail(done.error().message());
    const std::string done_text = "is now " + role_name(*role);
    co_return co_await end_routing(accounts, engine, username, done_text);
  }
  if (verb == "set-password") {
    const bool generated = !args.option("password");
    const std::string password = generated ? agents::generate_password() : *args.option("password");
    auto done = co_await accounts.set_password(username, password);
    if (!done) co_return fail(done.error().message());
    // Named: GCC 12 frees a temporary argument of a co_await twice.
    const std::string done_text = "has a new password" + (generated ? ": " + password : std::string());
    co_return co_await end_routing(accounts, engine, username, done_text);
  }
  if (verb == "set-skills") {
    // What is not given stays as it is.
    auto current = co_await accounts.find(username);
    if (!current) co_return fail(current.error().message());
    agents::account skills = *current;
    if (auto v = args.option("chat-capacity")) skills.chat_capacity = std::atoi(v->c_str());
    if (auto v = args.option("categories")) skills.categories = core::split_list(*v);
    if (auto v = args.option("backup-categories")) skills.backup_categories = core::split_list(*v);
    if (auto v = args.option("languages")) skills.languages = core::split_list(*v);
    auto done = co_await accounts.set_skills(username, skills);
    if (!done) co_return fail(done.error().message());
    std::cout << username << " skills updated\n";
    co_return 0;
  }
  if (verb == "set-sip-password") {
    const bool generated = !args.option("password");
    const std::string password = generated ? agents::generate_password() : *args.option("password");
    auto done = co_await accounts.set_sip_password(username, config.phone.sip_domain, password);
    if (!done) co_return fail(done.error().message());
    std::cout << username << " SIP password set for realm " << config.phone.sip_domain
              << (generated ? ": " + password : std::string()) << "\n";
    co_return 0;
  }
  co_return fail("unknown admin command '" + verb +
                 "' (list, create, disable, enable, set-role, set-password, set-skills, set-sip-password, verify)");
}

}  // namespace

int admin_command(const cli_args& args, const core::config& config) {
  return with_redis(config, "admin", [&](core::redis_client& redis) { return run_admin(args, redis, config); });
}

}  // namespace hotline::gateway
