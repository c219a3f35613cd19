#pragma once
// Who may hold what on this node: every connection counts against [admission] max_connections,
// and anonymous caller sockets against what is left after the staff reserve and against their
// source's share, so one script cannot take the sockets lawyers, supervisors and Kamailio need.
// Shared by every io thread.

#include <hotline/core/config.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace hotline::gateway {

class admission {
 public:
  /// Held for as long as its connection is open; movable across threads.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept;
    slot& operator=(slot&& other) noexcept;
    ~slot();
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class admission;
    explicit slot(admission* owner) : owner_(owner) {}
    admission* owner_ = nullptr;
    std::string caller_source_;  ///< set once the connection is a caller socket
  };

  enum class verdict { admitted, node_full, source_full };

  explicit admission(const core::admission_config& config);

  /// A new TCP connection; an empty slot when the node holds max_connections already.
  slot connect();
  /// The connection becomes an anonymous caller socket from `source`: refused past the node's
  /// anonymous share (max_connections − staff_reserve) or the source's.
  verdict become_caller(slot& connection, const std::string& source);
  /// The client's address for per-source limits: the peer, or behind a trusted proxy the last
  /// X-Forwarded-For hop that is not one; an IPv6 address by its /64 (one host holds a whole /64).
  std::string source_of(const boost::asio::ip::address& peer, std::string_view forwarded_for) const;

  std::size_t connections() const;
  std::size_t callers() const;

 private:
  void release(slot& s);
  bool trusted(const boost::asio::ip::address& address) const;

  const core::admission_config& config_;
  std::vector<std::variant<boost::asio::ip::address, boost::asio::ip::network_v4, boost::asio::ip::network_v6>>
      trusted_;
  mutable std::mutex mutex_;
  std::size_t connections_ = 0;
  std::size_t callers_ = 0;
  std::unordered_map<std::string, int> callers_by_source_;
};

}  // namespace hotline::gateway
