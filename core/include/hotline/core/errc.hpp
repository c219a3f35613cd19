#pragma once
// Errors of the shared infrastructure: the Redis client and configuration.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>

namespace hotline::core {

enum class errc {
  not_connected = 1,  ///< no Redis connection came up before the request's deadline
  timeout,            ///< the request was sent but no reply came in time; its effect is unknown
  connection_lost,    ///< the connection dropped with the request in flight; its effect is unknown
  protocol_error,     ///< Redis replied with something the caller did not expect
  stopped,            ///< the client is shutting down
};

const boost::system::error_category& core_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), core_category()}; }

template <class T>
using result = boost::system::result<T>;

}  // namespace hotline::core

template <>
struct boost::system::is_error_code_enum<hotline::core::errc> : std::true_type {};

namespace boost {
/// Lets result<T, std::string> (parse errors with a message) use value(): found by ADL.
[[noreturn]] inline void throw_exception_from_error(const std::string& message, const boost::source_location&) {
  throw std::runtime_error(message);
}
}  // namespace boost
