// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
#include "hotline/agents/password.hpp"

#include <hotline/core/ids.hpp>

#include <argon2.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace hotline::agents {
namespace {

constexpr std::uint32_t time_cost = 2;
constexpr std::uint32_t memory_kib = 19 * 1024;
constexpr std::uint32_t lanes = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

}  // namespace

std::string hash_password(std::string_view password) {
  const std::string salt = core::random_bytes(salt_bytes);
  const std::size_t length = argon2_encodedlen(time_cost, memory_kib, lanes, salt_bytes, hash_bytes, Argon2_id);
  std::string encoded(length, '\0');
  const int rc = argon2id_hash_encoded(time_cost, memory_kib, lanes, password.data(), password.size(), salt.data(),
                                       salt.size(), hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id failed: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
  if (!encoded_hash.starts_with("$argon2id$")) return false;
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string generate_password() {
  static constexpr char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr std::size_t alphabet_size = sizeof alphabet - 1;
  std::string out;
  // Rejection sampling keeps every character equally likely.
  while (out.size() < 16) {
    for (const char raw : core::random_bytes(32)) {
      const auto byte = static_cast<unsigned char>(raw);
      if (byte >= 256 - 256 % alphabet_size) continue;
      out += alphabet[byte % alphabet_size];
      if (out.size() == 16) break;
    }
  }
  return out;
}

std::string sip_digest_ha1(std::string_view user, std::string_view realm, std::string_view password) {
  std::string text;
  text.append(user).append(":").append(realm).append(":").append(password);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), md, &length, EVP_md5(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace hotline::agents
