#include "hotline/telephony/recording.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace hotline::telephony {

namespace {

std::int16_t alaw_to_linear(std::uint8_t a) {
  a ^= 0x55;
  int t = (a & 0x0f) << 4;
  const int segment = (a & 0x70) >> 4;
  if (segment == 0) t += 8;
  else t = (t + 0x108) << (segment - 1);
  return static_cast<std::int16_t>((a & 0x80) ? t : -t);
}

std::int16_t ulaw_to_linear(std::uint8_t u) {
  u = ~u;
  int t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<std::int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

std::uint32_t read32(const std::uint8_t* p, bool little) {
  return little ? (p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24)
                : (static_cast<std::uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]);
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

struct rtp_packet {
  double at = 0;
  int destination_port = 0;
  int payload_type = 0;
  std::vector<std::uint8_t> payload;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int caller_facing_port(const std::string& metadata_text) {
  int port = 0;
  std::size_t at = 0;
  while ((at = metadata_text.find("SDP mode: ", at)) != std::string::npos) {
    at += 10;
    if (metadata_text.compare(at, 6, "answer") != 0) continue;
    const auto end = metadata_text.find("SDP mode: ", at);
    const auto block = metadata_text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    std::size_t m = 0;
    while ((m = block.find("m=audio ", m)) != std::string::npos) {
      m += 8;
      port = std::atoi(block.c_str() + m);
    }
  }
  return port;
}

boost::system::result<recording_summary, std::string> pcap_to_stereo_wav(const std::filesystem::path& pcap,
                                                                         const std::filesystem::path& metadata,
                                                                         const std::filesystem::path& wav) {
  const int caller_port = caller_facing_port(read_file(metadata));
  if (caller_port == 0) return "no answer SDP in " + metadata.string();
  const std::string raw = read_file(pcap);
  if (raw.size() < 24) return "not a pcap file: " + pcap.string();
  const auto* data = reinterpret_cast<const std::uint8_t*>(raw.data());
  const std::uint32_t magic = read32(data, true);
  const bool little = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
  const bool big = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  if (!little && !big) return "not a pcap file: " + pcap.string();
  const bool nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
  const std::uint32_t link = read32(data + 20, little);
  std::size_t link_header = 0;
  if (link == 1) link_header = 14;        // Ethernet
  else if (link == 113) link_header = 16; // Linux cooked
  else if (link != 101 && link != 12 && link != 14 && link != 228) return "unsupported pcap link type " + std::to_string(link);

  std::vector<rtp_packet> packets;
  for (std::size_t off = 24; off + 16 <= raw.size();) {
    const double at = read32(data + off, little) + read32(data + off + 4, little) / (nano ? 1e9 : 1e6);
    const std::uint32_t captured = read32(data + off + 8, little);
    const std::uint8_t* packet = data + off + 16;
    off += 16 + captured;
    if (off > raw.size() || captured < link_header + 28) continue;
    packet += link_header;
    std::size_t size = captured - link_header;
    if ((packet[0] >> 4) != 4 || packet[9] != 17) continue;  // IPv4 UDP only: rtpengine here is on 127.0.0.1
    const std::size_t ihl = (packet[0] & 15) * 4u;
    if (size < ihl + 8 + 12) continue;
    const int destination = packet[ihl + 2] << 8 | packet[ihl + 3];
    const std::uint8_t* rtp = packet + ihl + 8;
    const std::size_t rtp_size = size - ihl - 8;
    if ((rtp[0] >> 6) != 2) continue;
    const int payload_type = rtp[1] & 0x7f;
    if (payload_type != 0 && payload_type != 8) continue;
    const std::size_t header = 12 + 4u * (rtp[0] & 15);
    if (rtp_size <= header) continue;
    packets.push_back({at, destination, payload_type, {rtp + header, rtp + rtp_size}});
  }
  if (packets.empty()) return "no G.711 RTP in " + pcap.string();
  double first = packets.front().at, last = packets.front().at;
  for (const auto& p : packets) {
    first = std::min(first, p.at);
    last = std::max(last, p.at);
  }
  const std::size_t frames = static_cast<std::size_t>((last - first + 0.02) * 8000) + 160;
  std::vector<std::int16_t> samples(frames * 2, 0);
  recording_summary summary;
  for (const auto& p : packets) {
    const int side = p.destination_port == caller_port ? 0 : 1;
    (side == 0 ? summary.caller_packets : summary.lawyer_packets)++;
    std::size_t frame = static_cast<std::size_t>((p.at - first) * 8000);
    for (auto byte : p.payload) {
      if (frame >= frames) break;
      samples[frame * 2 + side] = p.payload_type == 8 ? alaw_to_linear(byte) : ulaw_to_linear(byte);
      ++frame;
    }
  }
  summary.seconds = last - first + 0.02;

  std::string out;
  const std::uint32_t bytes = static_cast<std::uint32_t>(samples.size() * 2);
  out += "RIFF";
  put32(out, 36 + bytes);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, 1);         // PCM
  put16(out, 2);         // stereo
  put32(out, 8000);
  put32(out, 8000 * 4);  // bytes per second
  put16(out, 4);
  put16(out, 16);
  out += "data";
  put32(out, bytes);
  for (auto s : samples) put16(out, static_cast<std::uint16_t>(s));
  std::ofstream file(wav, std::ios::binary | std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  if (!file) return "cannot write " + wav.string();
  return summary;
}

}  // namespace hotline::telephony
