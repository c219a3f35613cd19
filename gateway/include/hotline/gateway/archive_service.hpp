#pragma once
// The archive as the gateway runs it: the SQL store on a thread of its own (SQL calls block), the
// archiver that moves finished sessions from the events stream into it, and the records reports
// are counted from (the archive for the past, the live sessions in Redis for what is not finished).

#include <hotline/core/config.hpp>
#include <hotline/queue/engine.hpp>
#include <hotline/stats/archive.hpp>
#include <hotline/stats/records.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>

namespace hotline::gateway {

struct archive_pass {
  int events = 0;
  int sessions = 0;
  int tickets = 0;
  int status_changes = 0;
};

class archive_service {
 public:
  archive_service(const core::config& config, std::unique_ptr<stats::archive_store> store);
  ~archive_service();

  /// Until stop(): holds the lease (one active archiver among the nodes) and archives new events;
  /// trims Redis every archive.trim_interval_seconds.
  boost::asio::awaitable<void> run(queue::engine& queue, std::string node);
  void stop();

  /// One batch of events into the archive: read, write in one transaction, then acknowledge.
  /// Without the lease it does nothing (events = 0).
  boost::asio::awaitable<stats::archive_result<archive_pass>> archive_batch(queue::engine& queue,
                                                                            const std::string& node);
  /// Batches until nothing is pending (tests, `hotline report rebuild`, `hotline simulate`).
  boost::asio::awaitable<stats::archive_result<archive_pass>> archive_all(queue::engine& queue,
                                                                          const std::string& node);

  /// Sessions and tickets of [from_day − 1, to_day] and the status changes of the range: the
  /// archive's rows, then the live sessions not in it.
  boost::asio::awaitable<stats::archive_result<stats::record_set>> records(queue::engine& queue,
                                                                           const std::string& from_day,
                                                                           const std::string& to_day);
  boost::asio::awaitable<stats::archive_result<stats::archive_counts>> counts();
  /// Whether this node's archive is the one the centre's other nodes write (its id is recorded in
  /// Redis by the first node): a node with an archive of its own neither archives nor reports.
  boost::asio::awaitable<stats::archive_result<void>> check_identity(queue::engine& queue);
  std::string describe() const;

 private:
  template <class T>
  boost::asio::awaitable<T> on_store(std::function<T(stats::archive_store&)> work);

  const core::config& config_;
  std::unique_ptr<stats::archive_store> store_;
  stats::archive_result<std::string> identity_;
  bool identity_checked_ = false;
  boost::asio::thread_pool thread_{1};
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool stopped_ = false;
};

}  // namespace hotline::gateway
