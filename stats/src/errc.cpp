// The error category of stats::errc.
#include "hotline/stats/summary.hpp"

namespace hotline::stats {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "hotline.stats"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::balance_violation:
        return "the report's figures do not balance";
      case errc::bad_period:
        return "from and to must be dates YYYY-MM-DD with from <= to, at most 366 days apart";
      case errc::bad_group_by:
        return "groupBy must be a period (hour, day, week, month, quarter, year), a dimension (channel, category, "
               "language, lawyer, priority) or period,dimension";
      case errc::archive_unavailable:
        return "the archive is not available";
    }
    return "unknown stats error";
  }
};

}  // namespace

const boost::system::error_category& stats_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace hotline::stats
