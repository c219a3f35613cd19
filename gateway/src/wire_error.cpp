// Error mapping; an error code that is not listed here is an INTERNAL error and is logged.
#include "wire_error.hpp"

#include "hotline/gateway/frame_codec.hpp"

#include <hotline/agents/errc.hpp>
#include <hotline/core/errc.hpp>
#include <hotline/core/log.hpp>
#include <hotline/queue/errc.hpp>
#include <hotline/stats/summary.hpp>

#include <utility>

namespace hotline::gateway {

wire_error to_wire(const boost::system::error_code& ec) {
  const std::string message = ec.message();
  if (ec.category() == core::core_category()) return {v1::STORE_UNAVAILABLE, 503, message};
  if (ec.category() == queue::queue_category()) {
    switch (static_cast<queue::errc>(ec.value())) {
      case queue::errc::session_not_found:
        return {v1::SESSION_NOT_FOUND, 404, message};
      case queue::errc::session_exists:
        return {v1::INVALID_STATE, 409, message};
      case queue::errc::invalid_state:
        return {v1::INVALID_STATE, 409, message};
      case queue::errc::offer_gone:
        return {v1::OFFER_GONE, 409, message};
      case queue::errc::already_rated:
        return {v1::ALREADY_RATED, 409, message};
      case queue::errc::forbidden:
        return {v1::FORBIDDEN, 403, message};
      case queue::errc::bad_request:
        return {v1::BAD_REQUEST, 400, message};
      case queue::errc::unknown_category:
        return {v1::UNKNOWN_CATEGORY, 400, message};
      case queue::errc::unknown_language:
        return {v1::UNKNOWN_LANGUAGE, 400, message};
      case queue::errc::queue_full:
        return {v1::QUEUE_FULL, 503, message};
      case queue::errc::ticket_not_found:
        return {v1::TICKET_NOT_FOUND, 404, message};
      case queue::errc::unknown_destination:
        return {v1::UNKNOWN_DESTINATION, 400, message};
      case queue::errc::too_many_sessions:
        return {v1::TOO_MANY_SESSIONS, 409, message};
      case queue::errc::rate_limited:
        return {v1::RATE_LIMITED, 429, message, 60};
      case queue::errc::unexpected_reply:
        break;
    }
  }
  if (ec.category() == agents::agents_category()) {
    switch (static_cast<agents::errc>(ec.value())) {
      case agents::errc::invalid_credentials:
        return {v1::INVALID_CREDENTIALS, 401, message};
      case agents::errc::account_disabled:
        return {v1::ACCOUNT_DISABLED, 403, message};
      case agents::errc::not_authenticated:
        return {v1::NOT_AUTHENTICATED, 401, message};
      case agents::errc::account_exists:
        return {v1::ACCOUNT_EXISTS, 409, message};
      case agents::errc::account_not_found:
        return {v1::NOT_FOUND, 404, message};
      case agents::errc::bad_username:
      case agents::errc::weak_password:
      case agents::errc::unknown_role:
      case agents::errc::unknown_skill:
      case agents::errc::bad_capacity:
        return {v1::BAD_REQUEST, 400, message};
      case agents::errc::login_throttled:
        return {v1::RATE_LIMITED, 429, message, 1};
      case agents::errc::login_busy:
        return {v1::BUSY, 503, message, 1};
    }
  }
  if (ec.category() == stats::stats_category()) {
    switch (static_cast<stats::errc>(ec.value())) {
      case stats::errc::balance_violation:
        return {v1::BALANCE_VIOLATION, 500, message};
      case stats::errc::bad_period:
      case stats::errc::bad_group_by:
        return {v1::BAD_REQUEST, 400, message};
      case stats::errc::archive_unavailable:
        return {v1::ARCHIVE_UNAVAILABLE, 503, message};
    }
  }
  core::logger("gateway")->error("unmapped error {}: {}", ec.to_string(), message);
  return {v1::INTERNAL, 500, "internal error"};
}

wire_error gateway_error(v1::ErrorCode code, std::string message) {
  // The gateway's own codes; anything not listed is a 400.
  static constexpr std::pair<v1::ErrorCode, unsigned> statuses[] = {
      {v1::NOT_AUTHENTICATED, 401},  {v1::FORBIDDEN, 403}, {v1::ORIGIN_FORBIDDEN, 403}, {v1::NOT_FOUND, 404},
      {v1::METHOD_NOT_ALLOWED, 405}, {v1::TOO_LARGE, 413}, {v1::INTERNAL, 500},         {v1::STORE_UNAVAILABLE, 503},
  };
  unsigned status = 400;
  for (const auto& [known, http_status] : statuses)
    if (known == code) status = http_status;
  return {code, status, std::move(message)};
}

std::string error_body_json(const wire_error& error) {
  v1::ErrorBody body;
  body.mutable_error()->set_code(error.code);
  body.mutable_error()->set_message(error.message);
  body.mutable_error()->set_retry_after_seconds(error.retry_after_seconds);
  return encode_frame(body, frame_encoding::json);
}

}  // namespace hotline::gateway
