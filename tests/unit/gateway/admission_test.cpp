// Per-source limits need to know the source: behind a proxy only a trusted one may name it.
#include "admission.hpp"

#include <gtest/gtest.h>

using namespace hotline;
namespace ip = boost::asio::ip;

TEST(Admission, OnlyATrustedProxyNamesTheClient) {
  core::admission_config rules;
  rules.trusted_proxies = {"10.0.0.1", "192.168.0.0/16"};
  gateway::admission gate(rules);
  const auto peer = [](const char* a) { return ip::make_address(a); };
  EXPECT_EQ(gate.source_of(peer("203.0.113.9"), "198.51.100.7"), "203.0.113.9") << "not a proxy: ignored";
  EXPECT_EQ(gate.source_of(peer("10.0.0.1"), "198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(gate.source_of(peer("10.0.0.1"), "6.6.6.6, 198.51.100.7, 192.168.3.4"), "198.51.100.7")
      << "the nearest untrusted hop, not what the client wrote first";
  EXPECT_EQ(gate.source_of(peer("10.0.0.1"), "junk"), "10.0.0.1");
  EXPECT_EQ(gate.source_of(peer("2001:db8:1:2:3:4:5:6"), ""), "2001:db8:1:2::/64");
  EXPECT_EQ(gate.source_of(peer("::ffff:127.0.0.1"), ""), "127.0.0.1");
}

TEST(Admission, TheStaffReserveAndEachSourcesShareHold) {
  core::admission_config rules;
  rules.max_connections = 5;
  rules.staff_reserve = 2;
  rules.caller_sockets_per_source = 2;
  gateway::admission gate(rules);
  std::vector<gateway::admission::slot> held;
  for (int i = 0; i < 5; ++i) held.push_back(gate.connect());
  EXPECT_FALSE(gate.connect()) << "the node is full";
  using verdict = gateway::admission::verdict;
  EXPECT_EQ(gate.become_caller(held[0], "a"), verdict::admitted);
  EXPECT_EQ(gate.become_caller(held[1], "a"), verdict::admitted);
  EXPECT_EQ(gate.become_caller(held[2], "a"), verdict::source_full);
  EXPECT_EQ(gate.become_caller(held[2], "b"), verdict::admitted);
  EXPECT_EQ(gate.become_caller(held[3], "c"), verdict::node_full) << "two of five are kept for staff";
  held.erase(held.begin());  // a caller of "a" leaves
  EXPECT_EQ(gate.callers(), 2u);
  EXPECT_EQ(gate.connections(), 4u);
  EXPECT_EQ(gate.become_caller(held[2], "a"), verdict::admitted);
  held.clear();
  EXPECT_EQ(gate.connections(), 0u);
  EXPECT_EQ(gate.callers(), 0u);
}
