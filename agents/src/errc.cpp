// The error category of agents::errc.
#include "hotline/agents/errc.hpp"

#include <string>

namespace hotline::agents {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "hotline.agents"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::invalid_credentials:
        return "wrong username or password";
      case errc::account_disabled:
        return "this account is disabled";
      case errc::not_authenticated:
        return "not signed in, or the sign-in has expired";
      case errc::account_exists:
        return "an account with this username exists";
      case errc::account_not_found:
        return "no such account";
      case errc::bad_username:
        return "usernames are 3-32 letters, digits, '.', '_' or '-'";
      case errc::weak_password:
        return "passwords need at least 10 characters";
      case errc::unknown_role:
        return "unknown role";
      case errc::unknown_skill:
        return "unknown category or language";
      case errc::bad_capacity:
        return "chat capacity must be between 1 and 20";
      case errc::login_throttled:
        return "too many failed logins for this account or from this address: wait and try again";
      case errc::login_busy:
        return "too many logins at once: try again in a moment";
    }
    return "unknown accounts error";
  }
};

}  // namespace

const boost::system::error_category& agents_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace hotline::agents
