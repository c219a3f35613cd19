// The error category of core::errc.
#include "hotline/core/errc.hpp"

namespace hotline::core {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "hotline.core"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::not_connected:
        return "Redis is not reachable";
      case errc::timeout:
        return "Redis did not answer in time";
      case errc::connection_lost:
        return "the Redis connection was lost with the request in flight";
      case errc::protocol_error:
        return "unexpected reply from Redis";
      case errc::stopped:
        return "the Redis client is stopping";
    }
    return "unknown core error";
  }
};

}  // namespace

const boost::system::error_category& core_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace hotline::core
