// `hotline phone-config`: renders deploy/kamailio.cfg and deploy/rtpengine.conf for this
// configuration, so run.sh and the tests start Kamailio and rtpengine exactly as the gateway expects.
#include "cli.hpp"

#include <hotline/telephony/deploy_config.hpp>

#include <iostream>

namespace hotline::gateway {

int phone_config_command(const cli_args& args, const core::config& config) {
  const auto dir = args.option("out").value_or(telephony::phone_dir(config).string());
  auto written = telephony::write_phone_configs(config, dir);
  if (!written) {
    std::cerr << "hotline phone-config: " << written.error() << "\n";
    return 1;
  }
  std::cout << *written;
  return 0;
}

}  // namespace hotline::gateway
