#pragma once
// A client of rtpengine's ng control protocol: "<cookie> <bencoded dict>" datagrams over UDP.
// A lost datagram is sent again with the same cookie, so rtpengine answers a retransmission from
// its cache instead of acting twice.

#include "hotline/telephony/bencode.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace hotline::telephony {

class ng_client {
 public:
  ng_client(boost::asio::any_io_executor executor, std::string host, int port,
            std::chrono::milliseconds retransmit_after = std::chrono::milliseconds(500), int attempts = 4);
  ~ng_client();
  ng_client(const ng_client&) = delete;
  ng_client& operator=(const ng_client&) = delete;

  /// Sends `request` (which holds "command") and returns rtpengine's reply. A reply with
  /// "result": "error" is returned as an error with its "error-reason".
  boost::asio::awaitable<boost::system::result<bdict, std::string>> command(bdict request);
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace hotline::telephony
