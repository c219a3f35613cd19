// Accounts and tokens. Password hashing runs on a small thread pool, off the I/O thread.
#include "hotline/agents/accounts.hpp"

#include "hotline/agents/password.hpp"

#include <hotline/core/ids.hpp>
#include <hotline/core/text.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace hotline::agents {

namespace asio = boost::asio;

// Command lists are named variables, never braced lists inside co_await: GCC 12 miscompiles those.
namespace {

bool valid_username(const std::string& name) {
  if (name.size() < 3 || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

account decode_account(const core::redis_value& flat) {
  account a;
  a.username = flat.field("username").text;
  a.display_name = flat.field("display_name").text;
  v1::Role_Parse(flat.field("role").text, &a.role);
  a.disabled = flat.field("disabled").text == "1";
  a.categories = core::split_list(flat.field("categories").text);
  a.backup_categories = core::split_list(flat.field("backup_categories").text);
  a.languages = core::split_list(flat.field("languages").text);
  a.chat_capacity = static_cast<int>(flat.field("chat_capacity").as_integer().value_or(3));
  return a;
}

// One script so that an account is created whole or not at all, and only once.
const char* const create_script = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('SADD', KEYS[2], ARGV[2])
return 1
)lua";

// A credential (token or socket pass) and its place in the account's list, which lives as long as
// the longest credential in it.
const char* const store_credential_script = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
)lua";

// KEYS[1] the account, KEYS[2] its credentials, KEYS[3] the revocations channel's name; ARGV[1] the
// username, ARGV[2..] account fields to set first. The change and the revocation happen together:
// no token outlives the change, and the gateways hear of it in the same step.
const char* const change_and_revoke_script = R"lua(
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
local revoked = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do revoked = revoked + redis.call('DEL', key) end
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', KEYS[3], ARGV[1])
return revoked
)lua";

// KEYS[1] the token; ARGV[1] the credentials list's key without the username.
const char* const logout_script = R"lua(
local who = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if who then redis.call('SREM', ARGV[1] .. who, KEYS[1]) end
return 1
)lua";

constexpr std::int64_t socket_pass_ttl_ms = 30'000;

// KEYS: the username's failures and lock, the source's failures and lock (throttle_keys).
const char* const login_wait_script = R"lua(
return math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[4]), 0)
)lua";

// ARGV[1] the window (ms), ARGV[2] the username's limit, ARGV[3] the source's, ARGV[4] the first
// lock (ms), ARGV[5] the longest. Past a limit every failure locks again, for twice as long.
const char* const login_failed_script = R"lua(
local function failed(count_key, lock_key, limit)
  local n = redis.call('INCR', count_key)
  redis.call('PEXPIRE', count_key, ARGV[1])
  if n >= tonumber(limit) then
    local lock = math.min(tonumber(ARGV[4]) * 2 ^ math.min(n - tonumber(limit), 30), tonumber(ARGV[5]))
    redis.call('SET', lock_key, n, 'PX', math.floor(lock))
  end
end
failed(KEYS[1], KEYS[2], ARGV[2])
if KEYS[3] ~= KEYS[1] then failed(KEYS[3], KEYS[4], ARGV[3]) end
return 1
)lua";

// Counts a login in for as long as it waits for and runs the password hash.
class pending_login {
 public:
  explicit pending_login(std::atomic<int>& pending) : pending_(pending) { ++pending_; }
  ~pending_login() { --pending_; }
  pending_login(const pending_login&) = delete;
  pending_login& operator=(const pending_login&) = delete;

 private:
  std::atomic<int>& pending_;
};

bool all_known(const std::vector<std::string>& codes, const std::vector<core::catalog_entry>& catalog) {
  return std::all_of(codes.begin(), codes.end(), [&](const std::string& code) {
    return std::any_of(catalog.begin(), catalog.end(), [&](const auto& entry) { return entry.code == code; });
  });
}

std::vector<std::string> pairs(const std::vector<std::string>& categories, const std::vector<std::string>& languages,
                               const std::vector<std::string>& leave_out = {}) {
  std::vector<std::string> out;
  for (const auto& c : categories)
    if (std::find(leave_out.begin(), leave_out.end(), c) == leave_out.end())
      for (const auto& l : languages) out.push_back(c + ":" + l);
  return out;
}

/// What routing needs of an account, checked against the catalog.
std::optional<errc> invalid_skills(const account& a, const core::config& config) {
  if (!all_known(a.categories, config.routing.categories) ||
      !all_known(a.backup_categories, config.routing.categories) || !all_known(a.languages, config.routing.languages))
    return errc::unknown_skill;
  if (a.chat_capacity < 1 || a.chat_capacity > 20) return errc::bad_capacity;
  return std::nullopt;
}

/// The account hash's routing fields, as HSET field/value pairs.
std::vector<std::string> skill_fields(const account& a) {
  return {"categories", core::join_list(a.categories), "backup_categories", core::join_list(a.backup_categories),
          "languages",  core::join_list(a.languages),  "chat_capacity",     std::to_string(a.chat_capacity)};
}

}  // namespace

std::vector<std::string> account::skills() const { return pairs(categories, languages); }

std::vector<std::string> account::backup_skills() const { return pairs(backup_categories, languages, categories); }

accounts::accounts(core::redis_client& redis, const core::config& config)
    : redis_(redis), config_(config), prefix_("{" + config.centre.id + "}:"), dummy_hash_(hash_password("dummy")) {}

accounts::~accounts() { hashing_.join(); }

// Plain coroutine functions, not capturing lambdas: GCC 12 destroys a coroutine lambda's captures twice.
namespace {

asio::awaitable<result<std::string>> hash_task(std::string password) { co_return hash_password(password); }

asio::awaitable<bool> verify_task(std::string password, std::string encoded) {
  co_return verify_password(password, encoded);
}

}  // namespace

asio::awaitable<result<std::string>> accounts::hash_off_thread(std::string password) {
  co_return co_await asio::co_spawn(hashing_, hash_task(std::move(password)), asio::use_awaitable);
}

asio::awaitable<bool> accounts::verify_off_thread(std::string password, std::string encoded) {
  co_return co_await asio::co_spawn(hashing_, verify_task(std::move(password), std::move(encoded)),
                                    asio::use_awaitable);
}

asio::awaitable<result<account>> accounts::create(new_account request) {
  const auto& p = request.profile;
  if (!valid_username(p.username)) co_return make_error_code(errc::bad_username);
  if (request.password.size() < 10) co_return make_error_code(errc::weak_password);
  if (p.role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(p.role)) co_return make_error_code(errc::unknown_role);
  if (auto bad = invalid_skills(p, config_)) co_return make_error_code(*bad);
  auto hashed = co_await hash_off_thread(request.password);
  if (!hashed) co_return hashed.error();
  std::vector<std::string> command{"EVAL",
                                   create_script,
                                   "2",
                                   account_key(p.username),
                                   prefix_ + "accounts",
                                   "username",
                                   p.username,
                                   "display_name",
                                   p.display_name.empty() ? p.username : p.display_name,
                                   "role",
                                   v1::Role_Name(p.role),
                                   "password_hash",
                                   *hashed,
                                   "disabled",
                                   "0",
                                   "created_ms",
                                   std::to_string(now_ms())};
  for (auto& field : skill_fields(p)) command.push_back(std::move(field));
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return make_error_code(core::errc::protocol_error);
  if (reply->integer == 0) co_return make_error_code(errc::account_exists);
  co_return co_await find(p.username);
}

asio::awaitable<result<account>> accounts::find(const std::string& username) {
  std::vector<std::string> command{"HGETALL", account_key(username)};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (!reply->is_array() || reply->elements.empty()) co_return make_error_code(errc::account_not_found);
  co_return decode_account(*reply);
}

asio::awaitable<result<std::vector<account>>> accounts::list() {
  std::vector<std::string> command{"SMEMBERS", prefix_ + "accounts"};
  auto names = co_await redis_.exec(std::move(command));
  if (!names) co_return names.error();
  std::vector<account> all;
  for (const auto& name : names->elements) {
    auto found = co_await find(name.text);
    if (found) all.push_back(std::move(*found));
  }
  std::sort(all.begin(), all.end(), [](const account& a, const account& b) { return a.username < b.username; });
  co_return all;
}

asio::awaitable<result<void>> accounts::set_disabled(const std::string& username, bool disabled) {
  auto existing = co_await find(username);
  if (!existing) co_return existing.error();
  if (disabled) {
    std::vector<std::string> fields{"disabled", "1"};
    co_return co_await change_and_revoke(username, std::move(fields));
  }
  std::vector<std::string> command{"HSET", account_key(username), "disabled", "0"};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> accounts::set_role(const std::string& username, v1::Role role) {
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) co_return make_error_code(errc::unknown_role);
  auto existing = co_await find(username);
  if (!existing) co_return existing.error();
  std::vector<std::string> fields{"role", v1::Role_Name(role)};
  co_return co_await change_and_revoke(username, std::move(fields));
}

asio::awaitable<result<void>> accounts::set_password(const std::string& username, const std::string& password) {
  if (password.size() < 10) co_return make_error_code(errc::weak_password);
  auto existing = co_await find(username);
  if (!existing) co_return existing.error();
  auto hashed = co_await hash_off_thread(password);
  if (!hashed) co_return hashed.error();
  std::vector<std::string> fields{"password_hash", *hashed};
  co_return co_await change_and_revoke(username, std::move(fields));
}

asio::awaitable<result<void>> accounts::change_and_revoke(const std::string& username,
                                                          std::vector<std::string> fields) {
  auto revoked = co_await revoke_after(username, std::move(fields));
  if (!revoked) co_return revoked.error();
  co_return result<void>{};
}

asio::awaitable<result<int>> accounts::revoke_after(const std::string& username, std::vector<std::string> fields) {
  std::vector<std::string> command{"EVAL",       change_and_revoke_script, "3", account_key(username),
                                   credentials_key(username), revocations_channel(), username};
  for (auto& field : fields) command.push_back(std::move(field));
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return make_error_code(core::errc::protocol_error);
  co_return static_cast<int>(reply->integer);
}

asio::awaitable<result<int>> accounts::revoke_all(const std::string& username) {
  std::vector<std::string> no_change;
  co_return co_await revoke_after(username, std::move(no_change));
}

asio::awaitable<result<void>> accounts::store_credential(const std::string& key, const std::string& username,
                                                         std::int64_t ttl_ms) {
  std::vector<std::string> command{"EVAL", store_credential_script, "2", key, credentials_key(username), username,
                                   std::to_string(ttl_ms)};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return make_error_code(core::errc::protocol_error);
  co_return result<void>{};
}

asio::awaitable<result<void>> accounts::set_skills(const std::string& username, const account& skills) {
  if (auto bad = invalid_skills(skills, config_)) co_return make_error_code(*bad);
  auto existing = co_await find(username);
  if (!existing) co_return existing.error();
  std::vector<std::string> command{"HSET", account_key(username)};
  for (auto& field : skill_fields(skills)) command.push_back(std::move(field));
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> accounts::set_sip_password(const std::string& username, const std::string& realm,
                                                         const std::string& password) {
  if (password.size() < 10) co_return make_error_code(errc::weak_password);
  auto existing = co_await find(username);
  if (!existing) co_return existing.error();
  // The realm is kept with the hash: a changed phone.sip_domain invalidates it instead of failing obscurely.
  std::vector<std::string> command{"HSET", account_key(username), "sip_ha1", sip_digest_ha1(username, realm, password),
                                   "sip_realm", realm};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<std::string>> accounts::sip_ha1(const std::string& username, const std::string& realm) {
  std::vector<std::string> command{"HMGET", account_key(username), "sip_ha1", "sip_realm", "disabled"};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  const auto ha1 = reply->at(0).as_string().value_or("");
  if (ha1.empty() || reply->at(1).as_string().value_or("") != realm || reply->at(2).as_string().value_or("") == "1")
    co_return make_error_code(errc::account_not_found);
  co_return ha1;
}

std::vector<std::string> accounts::throttle_keys(const std::string& username, const std::string& source) const {
  const auto user = core::sha256_hex(username);
  // No source (the command line, tests): the username's keys stand in, and count once.
  const auto from = source.empty() ? "user:" + user : "source:" + source;
  return {prefix_ + "login_failures:user:" + user, prefix_ + "login_lock:user:" + user,
          prefix_ + "login_failures:" + from, prefix_ + "login_lock:" + from};
}

asio::awaitable<result<std::chrono::milliseconds>> accounts::login_wait(const std::string& username,
                                                                         const std::string& source) {
  std::vector<std::string> command{"EVAL", login_wait_script, "4"};
  for (auto& key : throttle_keys(username, source)) command.push_back(std::move(key));
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return make_error_code(core::errc::protocol_error);
  co_return std::chrono::milliseconds(reply->integer);
}

asio::awaitable<result<login_result>> accounts::login(const std::string& username, const std::string& password,
                                                      const std::string& source) {
  if (pending_logins_ >= config_.accounts.max_pending_logins) co_return make_error_code(errc::login_busy);
  pending_login counted(pending_logins_);
  std::vector<std::string> command{"HGETALL", account_key(username)};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  const bool known = reply->is_array() && !reply->elements.empty();
  const std::string encoded = known ? reply->field("password_hash").text : dummy_hash_;
  const bool matches = co_await verify_off_thread(password, encoded);
  const auto keys = throttle_keys(username, source);
  if (!known || !matches) {
    const auto& a = config_.accounts;
    std::vector<std::string> failed{"EVAL", login_failed_script, "4", keys[0], keys[1], keys[2], keys[3],
                                    std::to_string(std::int64_t{a.login_failure_window_seconds} * 1000),
                                    std::to_string(a.login_failures_per_user),
                                    std::to_string(a.login_failures_per_source),
                                    std::to_string(std::int64_t{a.login_lock_seconds} * 1000),
                                    std::to_string(std::int64_t{a.login_lock_max_seconds} * 1000)};
    auto counted_failure = co_await redis_.exec(std::move(failed));
    if (!counted_failure) co_return counted_failure.error();
    co_return make_error_code(errc::invalid_credentials);
  }
  std::vector<std::string> forgiven{"DEL", keys[0], keys[1]};
  auto cleared = co_await redis_.exec(std::move(forgiven));
  if (!cleared) co_return cleared.error();
  account who = decode_account(*reply);
  if (who.disabled) co_return make_error_code(errc::account_disabled);

  login_result out;
  out.token = core::random_hex(32);
  const std::int64_t ttl_ms = std::int64_t{config_.accounts.token_ttl_hours} * 3600 * 1000;
  out.expires_at_ms = now_ms() + ttl_ms;
  auto stored = co_await store_credential(prefix_ + "token:" + core::sha256_hex(out.token), who.username, ttl_ms);
  if (!stored) co_return stored.error();
  out.who = std::move(who);
  co_return out;
}

asio::awaitable<result<account>> accounts::authenticate(const std::string& token) {
  co_return co_await credential_holder("GET", "token:", token);
}

asio::awaitable<result<account>> accounts::credential_holder(const char* read, const char* kind,
                                                             const std::string& secret) {
  if (secret.size() != 64) co_return make_error_code(errc::not_authenticated);
  std::vector<std::string> command{read, prefix_ + kind + core::sha256_hex(secret)};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  if (reply->is_nil() || reply->is_error()) co_return make_error_code(errc::not_authenticated);
  co_return co_await holder(reply->text);
}

asio::awaitable<result<account>> accounts::holder(const std::string& username) {
  auto who = co_await find(username);
  if (!who) co_return who.error() == errc::account_not_found ? make_error_code(errc::not_authenticated) : who.error();
  if (who->disabled) co_return make_error_code(errc::account_disabled);
  co_return who;
}

asio::awaitable<result<void>> accounts::logout(const std::string& token) {
  std::vector<std::string> command{"EVAL", logout_script, "1", prefix_ + "token:" + core::sha256_hex(token),
                                   prefix_ + "credentials:"};
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) co_return reply.error();
  co_return result<void>{};
}

asio::awaitable<result<socket_pass>> accounts::issue_socket_pass(const account& who) {
  socket_pass out;
  out.pass = core::random_hex(32);
  out.expires_at_ms = now_ms() + socket_pass_ttl_ms;
  auto stored =
      co_await store_credential(prefix_ + "socket_pass:" + core::sha256_hex(out.pass), who.username, socket_pass_ttl_ms);
  if (!stored) co_return stored.error();
  co_return out;
}

asio::awaitable<result<account>> accounts::redeem_socket_pass(const std::string& pass) {
  // GETDEL: the pass is used up by the read that checks it.
  co_return co_await credential_holder("GETDEL", "socket_pass:", pass);
}

}  // namespace hotline::agents
