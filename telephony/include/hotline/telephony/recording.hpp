#pragma once
// Quality-inspection recordings: rtpengine's pcap of a call's talk turned into a stereo WAV,
// caller on the left and lawyer on the right, placed by capture time (gaps are silence).

#include <boost/system/result.hpp>

#include <filesystem>
#include <string>

namespace hotline::telephony {

struct recording_summary {
  double seconds = 0;  ///< first to last packet
  int caller_packets = 0;
  int lawyer_packets = 0;
};

/// `metadata` is rtpengine's rtpengine-meta-*.txt of the call: the last "SDP mode: answer" block
/// is the SDP rtpengine sent the caller, so packets to its port are the caller's. G.711 only.
boost::system::result<recording_summary, std::string> pcap_to_stereo_wav(const std::filesystem::path& pcap,
                                                                         const std::filesystem::path& metadata,
                                                                         const std::filesystem::path& wav);

/// The port of the last "m=audio" line in the last "SDP mode: answer" block, or 0.
int caller_facing_port(const std::string& metadata_text);

}  // namespace hotline::telephony
