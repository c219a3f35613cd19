// The error category of queue::errc and the map from the scripts' error codes.
#include "hotline/queue/errc.hpp"

#include <string>
#include <utility>

namespace hotline::queue {
namespace {

constexpr std::pair<std::string_view, errc> script_codes[] = {
    {"SESSION_NOT_FOUND", errc::session_not_found},
    {"SESSION_EXISTS", errc::session_exists},
    {"INVALID_STATE", errc::invalid_state},
    {"OFFER_GONE", errc::offer_gone},
    {"ALREADY_RATED", errc::already_rated},
    {"FORBIDDEN", errc::forbidden},
    {"BAD_REQUEST", errc::bad_request},
    {"QUEUE_FULL", errc::queue_full},
    {"TICKET_NOT_FOUND", errc::ticket_not_found},
    {"TOO_MANY_SESSIONS", errc::too_many_sessions},
    {"RATE_LIMITED", errc::rate_limited},
};

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "hotline.queue"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::session_not_found:
        return "no such session";
      case errc::session_exists:
        return "a session with this id exists";
      case errc::invalid_state:
        return "the session is not in a state that allows this";
      case errc::offer_gone:
        return "the offer was taken, withdrawn or timed out";
      case errc::already_rated:
        return "this session is already rated";
      case errc::forbidden:
        return "this session belongs to another lawyer";
      case errc::bad_request:
        return "bad request";
      case errc::unknown_category:
        return "unknown category";
      case errc::unknown_language:
        return "unknown language";
      case errc::unexpected_reply:
        return "unexpected reply from a queue script";
      case errc::queue_full:
        return "the queue for this category and language is full; leave a message or try later";
      case errc::ticket_not_found:
        return "no such ticket, or the token does not match";
      case errc::unknown_destination:
        return "that hotline is not in the list of transfer destinations";
      case errc::too_many_sessions:
        return "the lawyer is at capacity";
      case errc::rate_limited:
        return "too many sessions started or waiting from this address: try again later";
    }
    return "unknown queue error";
  }
};

}  // namespace

const boost::system::error_category& queue_category() noexcept {
  static const category instance;
  return instance;
}

errc errc_from_script_error(std::string_view reply_text) {
  const auto code = reply_text.substr(0, reply_text.find(' '));
  for (const auto& [name, value] : script_codes)
    if (name == code) return value;
  return errc::unexpected_reply;
}

}  // namespace hotline::queue
