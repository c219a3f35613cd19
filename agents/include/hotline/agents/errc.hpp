#pragma once
// Expected failures of accounts and logins; each maps to one wire ErrorCode.

#include <boost/system/error_code.hpp>

namespace hotline::agents {

enum class errc {
  invalid_credentials = 1,  ///< unknown user or wrong password: deliberately not told apart
  account_disabled,
  not_authenticated,  ///< missing, unknown or expired token
  account_exists,
  account_not_found,
  bad_username,
  weak_password,
  unknown_role,
  unknown_skill,  ///< a category or language that is not in the configuration
  bad_capacity,
  login_throttled,  ///< too many failed logins for the username or from the address: wait
  login_busy,       ///< the password hashing queue is full
};

const boost::system::error_category& agents_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), agents_category()}; }

}  // namespace hotline::agents

template <>
struct boost::system::is_error_code_enum<hotline::agents::errc> : std::true_type {};
