// Connection counting by kind and source; the per-minute and waiting limits live in the queue's
// enqueue script, where they hold across nodes.
#include "admission.hpp"

#include <hotline/core/log.hpp>

#include <algorithm>
#include <utility>

namespace hotline::gateway {

namespace ip = boost::asio::ip;

namespace {

// 127.0.0.1 arriving on a dual-stack socket is ::ffff:127.0.0.1.
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

admission::slot::slot(slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), caller_source_(std::move(other.caller_source_)) {}

admission::slot& admission::slot::operator=(slot&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->release(*this);
    owner_ = std::exchange(other.owner_, nullptr);
    caller_source_ = std::move(other.caller_source_);
  }
  return *this;
}

admission::slot::~slot() {
  if (owner_) owner_->release(*this);
}

admission::admission(const core::admission_config& config) : config_(config) {
  for (const auto& entry : config.trusted_proxies) {
    boost::system::error_code ec;
    if (entry.find('/') == std::string::npos) {
      if (auto address = ip::make_address(entry, ec); !ec) trusted_.emplace_back(unmapped(address));
    } else if (auto v4 = ip::make_network_v4(entry, ec); !ec) {
      trusted_.emplace_back(v4);
    } else if (auto v6 = ip::make_network_v6(entry, ec); !ec) {
      trusted_.emplace_back(v6);
    }
    if (ec) core::logger("gateway")->warn("admission.trusted_proxies: '{}' is not an address or network", entry);
  }
}

admission::slot admission::connect() {
  std::lock_guard lock(mutex_);
  if (connections_ >= static_cast<std::size_t>(config_.max_connections)) return slot{};
  ++connections_;
  return slot{this};
}

admission::verdict admission::become_caller(slot& connection, const std::string& source) {
  std::lock_guard lock(mutex_);
  const auto anonymous_share = static_cast<std::size_t>(std::max(0, config_.max_connections - config_.staff_reserve));
  if (callers_ >= anonymous_share) return verdict::node_full;
  auto& from_source = callers_by_source_[source];
  if (from_source >= config_.caller_sockets_per_source) return verdict::source_full;
  ++from_source;
  ++callers_;
  connection.caller_source_ = source;
  return verdict::admitted;
}

void admission::release(slot& s) {
  std::lock_guard lock(mutex_);
  --connections_;
  if (s.caller_source_.empty()) return;
  --callers_;
  if (auto found = callers_by_source_.find(s.caller_source_); found != callers_by_source_.end() && --found->second <= 0)
    callers_by_source_.erase(found);
}

bool admission::trusted(const ip::address& address) const {
  return std::any_of(trusted_.begin(), trusted_.end(), [&](const auto& entry) {
    if (const auto* exact = std::get_if<ip::address>(&entry)) return *exact == address;
    if (const auto* v4 = std::get_if<ip::network_v4>(&entry))
      return address.is_v4() && ip::network_v4(address.to_v4(), v4->prefix_length()).network() == v4->network();
    const auto& v6 = std::get<ip::network_v6>(entry);
    return address.is_v6() && ip::network_v6(address.to_v6(), v6.prefix_length()).network() == v6.network();
  });
}

std::string admission::source_of(const ip::address& peer, std::string_view forwarded_for) const {
  auto client = unmapped(peer);
  // Walk the hops from the nearest: each trusted proxy vouches for the one before it.
  while (trusted(client) && !forwarded_for.empty()) {
    const auto comma = forwarded_for.rfind(',');
    const auto hop = trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(hop), ec);
    if (ec) break;  // a malformed hop: the last good one stands
    client = unmapped(address);
  }
  if (!client.is_v6()) return client.to_string();
  auto bytes = client.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::address_v6(bytes).to_string() + "/64";
}

std::size_t admission::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::size_t admission::callers() const {
  std::lock_guard lock(mutex_);
  return callers_;
}

}  // namespace hotline::gateway
