#pragma once
// Lawyer and manager accounts, passwords (argon2id) and login tokens, kept in Redis under the
// centre's hash tag: {c}:account:<username> (hash), {c}:accounts (set), {c}:token:<sha256> (string:
// the username), {c}:socket_pass:<sha256> (string: the username; single use, 30 s) and
// {c}:credentials:<username> (set of the token and pass keys issued to the account, so that all of
// them can be revoked at once). A revocation is published on {c}:revoked (the username) for every
// gateway to close the account's WebSockets.

#include "hotline/agents/errc.hpp"

#include <hotline/proto/hotline.pb.h>
#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/result.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace hotline::agents {

template <class T>
using result = boost::system::result<T>;

struct account {
  std::string username;  ///< also the lawyer's id in routing
  std::string display_name;
  v1::Role role = v1::LAWYER_ROLE;
  bool disabled = false;
  std::vector<std::string> categories;         ///< primary: offered first
  std::vector<std::string> backup_categories;  ///< backup: offered after routing.backup_after_seconds
  std::vector<std::string> languages;
  int chat_capacity = 3;

  /// Routing skills: every category × language pair, as "category:language".
  std::vector<std::string> skills() const;
  /// The same for the backup categories, leaving out those that are primary too.
  std::vector<std::string> backup_skills() const;
};

struct new_account {
  account profile;
  std::string password;
};

struct socket_pass {
  std::string pass;  ///< 256 random bits; only its SHA-256 is stored
  std::int64_t expires_at_ms = 0;
};

struct login_result {
  std::string token;  ///< 256 random bits; only its SHA-256 is stored
  account who;
  std::int64_t expires_at_ms = 0;
};

class accounts {
 public:
  accounts(core::redis_client& redis, const core::config& config);
  ~accounts();

  boost::asio::awaitable<result<account>> create(new_account request);
  boost::asio::awaitable<result<std::vector<account>>> list();
  boost::asio::awaitable<result<account>> find(const std::string& username);
  /// Disabling also revokes every token of the account.
  boost::asio::awaitable<result<void>> set_disabled(const std::string& username, bool disabled);
  /// Changes the account's role and revokes every token of it.
  boost::asio::awaitable<result<void>> set_role(const std::string& username, v1::Role role);
  /// Replaces the account's password and revokes every token of it.
  boost::asio::awaitable<result<void>> set_password(const std::string& username, const std::string& password);
  /// Replaces the account's categories (both levels), languages and chat capacity with `skills`'s.
  boost::asio::awaitable<result<void>> set_skills(const std::string& username, const account& skills);

  /// Sets the lawyer's SIP password for `realm`: only its digest HA1 is stored.
  boost::asio::awaitable<result<void>> set_sip_password(const std::string& username, const std::string& realm,
                                                        const std::string& password);
  /// The stored HA1 of an enabled account with a SIP password for `realm`; ACCOUNT_NOT_FOUND otherwise.
  boost::asio::awaitable<result<std::string>> sip_ha1(const std::string& username, const std::string& realm);

  /// How long logins for `username` or from `source` (an address, IPv6 by /64) are locked after
  /// too many failures; zero when they may go ahead.
  boost::asio::awaitable<result<std::chrono::milliseconds>> login_wait(const std::string& username,
                                                                        const std::string& source);
  /// Unknown user and wrong password take the same time and give the same error, and count
  /// towards the username's and the source's locks; LOGIN_BUSY when max_pending_logins are
  /// already waiting for the password hash.
  boost::asio::awaitable<result<login_result>> login(const std::string& username, const std::string& password,
                                                     const std::string& source = "");
  /// The account behind a token, read fresh, so a disabled account is refused at once.
  boost::asio::awaitable<result<account>> authenticate(const std::string& token);
  boost::asio::awaitable<result<void>> logout(const std::string& token);
  /// Deletes every token and socket pass of the account and announces it on revocations_channel();
  /// gives how many were deleted.
  boost::asio::awaitable<result<int>> revoke_all(const std::string& username);
  /// Where revocations are published: the username, for the gateways to close its WebSockets.
  std::string revocations_channel() const { return prefix_ + "revoked"; }

  /// A single-use pass for opening one WebSocket, so that the token itself never travels in a URL.
  boost::asio::awaitable<result<socket_pass>> issue_socket_pass(const account& who);
  /// The account behind a pass, which is used up; a disabled account is refused.
  boost::asio::awaitable<result<account>> redeem_socket_pass(const std::string& pass);

 private:
  boost::asio::awaitable<result<std::string>> hash_off_thread(std::string password);
  boost::asio::awaitable<bool> verify_off_thread(std::string password, std::string encoded);
  std::string account_key(const std::string& username) const { return prefix_ + "account:" + username; }
  /// The holder of a token or pass (`kind` "token:" or "socket_pass:"), read with `read` (GET, or
  /// GETDEL to use it up).
  boost::asio::awaitable<result<account>> credential_holder(const char* read, const char* kind,
                                                            const std::string& secret);
  /// The enabled account a credential names; a vanished one is NOT_AUTHENTICATED.
  boost::asio::awaitable<result<account>> holder(const std::string& username);
  std::string credentials_key(const std::string& username) const { return prefix_ + "credentials:" + username; }
  /// {c}:login_failures:… and {c}:login_lock:… of a username (hashed: any bytes may be typed) and a source.
  std::vector<std::string> throttle_keys(const std::string& username, const std::string& source) const;
  /// Stores `key` → username for `ttl_ms` and lists it among the account's credentials.
  boost::asio::awaitable<result<void>> store_credential(const std::string& key, const std::string& username,
                                                        std::int64_t ttl_ms);
  /// Sets account fields, then revokes every credential of the account.
  boost::asio::awaitable<result<void>> change_and_revoke(const std::string& username,
                                                         std::vector<std::string> fields);
  /// The same, giving how many credentials were deleted.
  boost::asio::awaitable<result<int>> revoke_after(const std::string& username, std::vector<std::string> fields);

  core::redis_client& redis_;
  const core::config& config_;
  std::string prefix_;
  std::string dummy_hash_;  ///< verified against for unknown users, to keep timing equal
  boost::asio::thread_pool hashing_{1};
  std::atomic<int> pending_logins_ = 0;
};

}  // namespace hotline::agents
