#pragma once
// Expected failures of routing operations; each is one Lua error code and one wire ErrorCode.

#include <boost/system/error_code.hpp>

#include <string_view>

namespace hotline::queue {

enum class errc {
  session_not_found = 1,
  session_exists,
  invalid_state,
  offer_gone,
  already_rated,
  forbidden,  ///< the session belongs to another lawyer
  bad_request,
  unknown_category,
  unknown_language,
  unexpected_reply,  ///< a script answered in a shape this build does not know
  queue_full,        ///< the skill's queue holds routing.max_queue_length sessions
  ticket_not_found,
  unknown_destination,  ///< a transfer out to a hotline not in routing.transfer_destinations
  too_many_sessions,    ///< the lawyer is at capacity
  rate_limited,         ///< the caller's source started or holds too many sessions
};

const boost::system::error_category& queue_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), queue_category()}; }

/// The errc of a script's error reply ("OFFER_GONE the offer was taken…"), by its first word.
errc errc_from_script_error(std::string_view reply_text);

}  // namespace hotline::queue

template <>
struct boost::system::is_error_code_enum<hotline::queue::errc> : std::true_type {};
