#pragma once
// The one map from every module's errc to the stable wire code and HTTP status.

#include <hotline/proto/hotline.pb.h>

#include <boost/system/error_code.hpp>

#include <string>

namespace hotline::gateway {

struct wire_error {
  v1::ErrorCode code;
  unsigned http_status;
  std::string message;
  int retry_after_seconds = 0;  ///< RATE_LIMITED and BUSY
};

wire_error to_wire(const boost::system::error_code& ec);

/// A wire error that comes from the gateway itself (bad frame, limits, origin).
wire_error gateway_error(v1::ErrorCode code, std::string message);

/// {"error":{"code":…,"message":…}}
std::string error_body_json(const wire_error& error);

}  // namespace hotline::gateway
