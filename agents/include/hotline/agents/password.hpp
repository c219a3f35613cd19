#pragma once
// argon2id password hashes in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).

#include <string>
#include <string_view>

namespace hotline::agents {

/// A fresh random salt each call. CPU-heavy (tens of ms): call it off the I/O threads.
std::string hash_password(std::string_view password);

/// Constant-time check against an encoded hash; false for a malformed hash too.
bool verify_password(std::string_view password, const std::string& encoded_hash);

/// A password for generated accounts: 16 characters from an alphabet without look-alikes.
std::string generate_password();

/// MD5(user:realm:password) in lower-case hex (RFC 2617 HA1): all a SIP registrar needs to check
/// a softphone's digest response, and the only form a SIP password is kept in.
std::string sip_digest_ha1(std::string_view user, std::string_view realm, std::string_view password);

}  // namespace hotline::agents
