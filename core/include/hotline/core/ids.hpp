#pragma once
// Random identifiers and digests: session ids, login and session tokens, script SHAs.

#include <string>
#include <string_view>

namespace hotline::core {

/// `bytes` raw bytes from the OS's CSPRNG (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t bytes);

/// `bytes` bytes from the CSPRNG, hex encoded. Tokens use 16 or more bytes (128+ bits).
std::string random_hex(std::size_t bytes);

/// Lower-case hex SHA-256; tokens are stored only as this digest.
std::string sha256_hex(std::string_view data);

/// Compares two secrets (or their digests) in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace hotline::core
