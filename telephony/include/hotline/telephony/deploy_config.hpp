#pragma once
// The Kamailio and rtpengine configurations, rendered from hotline.toml: the templates are
// deploy/kamailio.cfg and deploy/rtpengine.conf, embedded at build time.

#include <hotline/core/config.hpp>

#include <boost/system/result.hpp>

#include <filesystem>
#include <string>

namespace hotline::telephony {

/// The shared CTI secret: phone.cti_secret, or one generated once into <data_dir>/phone/cti_secret.
boost::system::result<std::string, std::string> cti_secret(const core::config& config);

/// Where the phone processes keep their files: <data_dir>/phone (configs, pid files, recordings).
std::filesystem::path phone_dir(const core::config& config);
std::filesystem::path recordings_dir(const core::config& config);

std::string kamailio_config(const core::config& config, const std::string& secret);
std::string rtpengine_config(const core::config& config);

/// Writes kamailio.cfg and rtpengine.conf into `dir`; returns what it wrote, one path per line.
boost::system::result<std::string, std::string> write_phone_configs(const core::config& config,
                                                                    const std::filesystem::path& dir);

}  // namespace hotline::telephony
