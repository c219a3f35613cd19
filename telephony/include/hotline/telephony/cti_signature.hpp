#pragma once
// The CTI API's request signature: base64url(HMAC-SHA256(secret, timestamp + "." + body)), the
// form Kamailio's crypto_hmac_sha256 produces.

#include <string>
#include <string_view>

namespace hotline::telephony {

/// Unpadded base64url of the HMAC; a signature with '=' padding verifies the same.
std::string cti_signature(std::string_view secret, std::string_view timestamp, std::string_view body);
/// Constant-time check of a received signature.
bool cti_signature_valid(std::string_view secret, std::string_view timestamp, std::string_view body,
                         std::string_view signature);

}  // namespace hotline::telephony
