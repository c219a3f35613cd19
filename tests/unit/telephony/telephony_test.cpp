// The phone channel's protocols without a network: bencode (rtpengine ng), netstrings (evapi),
// CTI signatures (Kamailio's crypto_hmac_sha256), the SIP digest HA1, the pcap → stereo WAV
// conversion of recordings and the rendered Kamailio/rtpengine configurations.
#include <hotline/agents/password.hpp>
#include <hotline/telephony/bencode.hpp>
#include <hotline/telephony/cti_signature.hpp>
#include <hotline/telephony/deploy_config.hpp>
#include <hotline/telephony/netstring.hpp>
#include <hotline/telephony/recording.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

using namespace hotline::telephony;

TEST(Bencode, EncodesDictionariesWithSortedKeys) {
  bdict d{{"sdp", "v=0"}, {"command", "answer"}, {"flags", blist{"a", 7}}, {"n", -3}};
  EXPECT_EQ(bencode(bvalue(d)), "d7:command6:answer5:flagsl1:ai7ee1:ni-3e3:sdp3:v=0e");
}

TEST(Bencode, DecodesWhatItEncodes) {
  const std::string text = "d8:durationi8208e6:result2:ok4:tagsl3:one3:twoee";
  auto v = bdecode(text);
  ASSERT_TRUE(v) << v.error();
  ASSERT_TRUE(v->dict());
  EXPECT_EQ(text_of(*v->dict(), "result"), "ok");
  EXPECT_EQ(integer_of(*v->dict(), "duration"), 8208);
  EXPECT_EQ(v->dict()->at("tags").list()->size(), 2u);
  EXPECT_EQ(bencode(*v), text);
}

TEST(Bencode, RefusesMalformedInputSayingWhere) {
  for (const char* bad : {"", "i12", "5:abc", "d3:keye", "l1:a", "x", "i1ei2e", "d1:ai1e"}) {
    auto v = bdecode(bad);
    EXPECT_FALSE(v) << bad;
  }
  EXPECT_NE(bdecode("i1ex").error().find("trailing"), std::string::npos);
}

TEST(Netstring, SplitsAStreamIntoPayloadsWhateverTheChunking) {
  const std::string stream = netstring("{\"event\":\"park\"}") + netstring("") + netstring("中文");
  netstring_reader reader;
  std::vector<std::string> got;
  for (char c : stream) {
    reader.feed(std::string_view(&c, 1));
    while (auto p = reader.next()) got.push_back(*p);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "{\"event\":\"park\"}");
  EXPECT_EQ(got[1], "");
  EXPECT_EQ(got[2], "中文");
  EXPECT_FALSE(reader.broken());
}

TEST(Netstring, AMalformedStreamIsBroken) {
  netstring_reader reader;
  reader.feed("3:abc;");
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.broken());
  netstring_reader letters;
  letters.feed("x:abc,");
  EXPECT_FALSE(letters.next());
  EXPECT_TRUE(letters.broken());
}

TEST(CtiSignature, MatchesHmacSha256InBase64UrlWithoutPadding) {
  // Python: base64.urlsafe_b64encode(hmac.new(b"Jefe", b"what do ya want. for nothing?", sha256).digest())
  const auto sig = cti_signature("Jefe", "what do ya want", " for nothing?");
  EXPECT_EQ(sig, "qyBluJh8SJg_R6MgIKlShtBceThyCr-L_sknSsJe1FA");
  // timestamp + "." + body is what is signed
  EXPECT_TRUE(cti_signature_valid("Jefe", "what do ya want", " for nothing?", sig));
  EXPECT_TRUE(cti_signature_valid("Jefe", "what do ya want", " for nothing?", sig + "="));
  EXPECT_FALSE(cti_signature_valid("Jefe", "what do ya want", " for nothing!", sig));
  EXPECT_FALSE(cti_signature_valid("jefe", "what do ya want", " for nothing?", sig));
  EXPECT_FALSE(cti_signature_valid("Jefe", "what do ya want", " for nothing?", ""));
}

TEST(SipDigest, Ha1IsMd5OfUserRealmPassword) {
  // RFC 2617 §3.5: Mufasa / testrealm@host.com / Circle Of Life.
  EXPECT_EQ(hotline::agents::sip_digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

namespace {

void put32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put16be(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v & 0xff);
}

/// One raw-IP (link type 101) UDP packet carrying RTP PCMA.
std::string rtp_record(double at, int destination_port, std::uint8_t sample) {
  std::string rtp(12, '\0');
  rtp[0] = static_cast<char>(0x80);
  rtp[1] = 8;
  rtp += std::string(160, static_cast<char>(sample));
  std::string ip(20, '\0');
  ip[0] = 0x45;
  ip[9] = 17;
  std::string udp;
  put16be(udp, 30000);
  put16be(udp, static_cast<std::uint16_t>(destination_port));
  put16be(udp, static_cast<std::uint16_t>(8 + rtp.size()));
  put16be(udp, 0);
  const std::string packet = ip + udp + rtp;
  std::string rec;
  put32(rec, static_cast<std::uint32_t>(at));
  put32(rec, static_cast<std::uint32_t>(std::lround((at - std::floor(at)) * 1e6)));
  put32(rec, static_cast<std::uint32_t>(packet.size()));
  put32(rec, static_cast<std::uint32_t>(packet.size()));
  return rec + packet;
}

}  // namespace

TEST(Recording, PcapBecomesStereoWavCallerLeftLawyerRight) {
  const auto dir = std::filesystem::temp_directory_path() / ("rec-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string pcap;
  put32(pcap, 0xa1b2c3d4);
  pcap += std::string("\x02\x00\x04\x00", 4);
  put32(pcap, 0);
  put32(pcap, 0);
  put32(pcap, 65535);
  put32(pcap, 101);
  // 2 s: the caller (to rtpengine's caller-facing port 30010) and the lawyer (to 30020), 50 packets a second.
  for (int i = 0; i < 100; ++i) {
    pcap += rtp_record(1000.0 + i * 0.02, 30010, 0xd5 ^ 0x7f);  // loud
    pcap += rtp_record(1000.0 + i * 0.02 + 0.001, 30020, 0xd5);  // near silence
  }
  std::ofstream(dir / "call.pcap", std::ios::binary) << pcap;
  std::ofstream(dir / "meta.txt") << "\nSDP mode: offer\nm=audio 30020 RTP/AVP 8\n\nSDP mode: answer\nv=0\nm=audio 30010 RTP/AVP 8\n";
  EXPECT_EQ(caller_facing_port("SDP mode: offer\nm=audio 1 RTP/AVP 8\nSDP mode: answer\nm=audio 2 RTP/AVP 8\n"), 2);

  auto summary = pcap_to_stereo_wav(dir / "call.pcap", dir / "meta.txt", dir / "out.wav");
  ASSERT_TRUE(summary) << summary.error();
  EXPECT_EQ(summary->caller_packets, 100);
  EXPECT_EQ(summary->lawyer_packets, 100);
  EXPECT_NEAR(summary->seconds, 2.0, 0.05);

  std::ifstream in(dir / "out.wav", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string wav = bytes.str();
  ASSERT_GT(wav.size(), 44u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  std::uint16_t channels = 0;
  std::memcpy(&channels, wav.data() + 22, 2);
  EXPECT_EQ(channels, 2);
  // Frame 100: left is loud (the caller), right is quiet (the lawyer).
  std::int16_t left = 0, right = 0;
  std::memcpy(&left, wav.data() + 44 + 100 * 4, 2);
  std::memcpy(&right, wav.data() + 44 + 100 * 4 + 2, 2);
  EXPECT_GT(std::abs(left), 10000);
  EXPECT_LT(std::abs(right), 100);
  std::filesystem::remove_all(dir);
}

TEST(Recording, RefusesAFileThatIsNotAPcap) {
  const auto dir = std::filesystem::temp_directory_path() / ("rec-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "x.pcap") << "not a capture at all, sorry";
  std::ofstream(dir / "m.txt") << "SDP mode: answer\nm=audio 4 RTP/AVP 8\n";
  auto summary = pcap_to_stereo_wav(dir / "x.pcap", dir / "m.txt", dir / "o.wav");
  EXPECT_FALSE(summary);
  std::filesystem::remove_all(dir);
}

TEST(DeployConfig, RendersEveryPlaceholderFromTheConfiguration) {
  hotline::core::config config;
  config.data_dir = "/tmp/hotline-render-test";
  config.server.port = 18080;
  config.phone.sip_port = 15060;
  config.phone.rtpengine_ng_port = 12223;
  config.phone.dtmf_port = 18091;
  const auto kamailio = kamailio_config(config, "s3cret");
  EXPECT_EQ(kamailio.rfind("#!KAMAILIO", 0), 0u) << "the marker stays the first line";
  EXPECT_NE(kamailio.find("#!substdef \"!SIP_PORT!15060!g\""), std::string::npos);
  EXPECT_NE(kamailio.find("#!substdef \"!GW_URL!http://127.0.0.1:18080!g\""), std::string::npos);
  EXPECT_NE(kamailio.find("#!substdef \"!CTI_SECRET!s3cret!g\""), std::string::npos);
  EXPECT_NE(kamailio.find("#!substdef \"!RTPENGINE_NG!udp:127.0.0.1:12223!g\""), std::string::npos);
  const auto rtpengine = rtpengine_config(config);
  EXPECT_FALSE(std::regex_search(rtpengine, std::regex("^[^#]*@[A-Z_]+@", std::regex::multiline)))
      << "no placeholder left:\n" << rtpengine;
  EXPECT_NE(rtpengine.find("listen-ng = 127.0.0.1:12223"), std::string::npos);
  EXPECT_NE(rtpengine.find("dtmf-log-dest = 127.0.0.1:18091"), std::string::npos);
  EXPECT_NE(rtpengine.find("table = -1"), std::string::npos) << "userspace only: no kernel module";
}

TEST(DeployConfig, GeneratesTheSecretOnceAndKeepsIt) {
  hotline::core::config config;
  config.data_dir = (std::filesystem::temp_directory_path() / ("secret-" + std::to_string(::getpid()))).string();
  auto first = cti_secret(config);
  ASSERT_TRUE(first) << first.error();
  EXPECT_GE(first->size(), 32u);
  auto second = cti_secret(config);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  std::filesystem::remove_all(config.data_dir);
}
