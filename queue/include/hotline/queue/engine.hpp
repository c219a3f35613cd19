#pragma once
// Routing: every change of a session or a lawyer is one atomic Lua script (queue/lua/), so any
// number of gateways can share one Redis without handing a caller to two lawyers.

#include "hotline/queue/errc.hpp"
#include "hotline/queue/types.hpp"

#include <hotline/core/config.hpp>
#include <hotline/core/redis_client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <functional>
#include <map>

namespace hotline::queue {

template <class T>
using result = boost::system::result<T>;

class engine {
 public:
  /// The function library the Redis client must load; pass it to its constructor.
  static std::vector<core::lua_library> scripts();

  engine(core::redis_client& redis, const core::config& config);

  /// Writes this node's routing settings as the centre's ({c}:settings), which the scripts read
  /// (and cache) instead of taking them with every call. Called at start, so that a changed
  /// configuration applies at once; a call that finds other settings stored writes them too.
  boost::asio::awaitable<result<void>> store_settings();

  /// Each mutating call takes a request id: the same id again replays the first outcome instead of
  /// acting twice. Transport failures are retried with it, so an unknown outcome resolves itself.
  boost::asio::awaitable<result<session_view>> start(const start_request& request, std::string request_id);
  boost::asio::awaitable<result<void>> accept(const std::string& agent_id, const std::string& offer_id,
                                              std::string request_id);
  boost::asio::awaitable<result<void>> decline(const std::string& agent_id, const std::string& offer_id,
                                               std::string request_id);
  /// The caller leaves: abandons a waiting session, or ends a connected one.
  boost::asio::awaitable<result<v1::SessionState>> end_by_caller(const std::string& session_id, std::string request_id);
  /// The phone side ended a waiting call: `reason` queue_timeout (Kamailio's queue cap) or
  /// call_lost (Kamailio stopped asking about it); booked as an abandon with that reason.
  boost::asio::awaitable<result<v1::SessionState>> end_waiting_call(const std::string& session_id,
                                                                    const std::string& reason, std::string request_id);
  /// The lawyer's phone did not take the call offered to it: `reason` is no_answer, busy or
  /// offline. A report older than the current offer (`seen_ms` before it was made) is ignored.
  boost::asio::awaitable<result<void>> phone_missed(const std::string& agent_id, const std::string& session_id,
                                                    const std::string& reason, std::int64_t seen_ms,
                                                    std::string request_id);
  /// A lawyer's softphone registered for `lifetime` (zero: unregistered); calls ring only registered phones.
  boost::asio::awaitable<result<void>> set_phone(const std::string& agent_id, std::chrono::milliseconds lifetime,
                                                 const std::string& contact, std::string request_id);
  boost::asio::awaitable<result<void>> end_by_lawyer(const std::string& agent_id, const std::string& session_id,
                                                     std::string request_id);
  boost::asio::awaitable<result<void>> wrap_up(const std::string& agent_id, const work_order& order,
                                               std::string request_id);
  boost::asio::awaitable<result<void>> rate(const std::string& session_id, v1::Rating rating, std::string request_id);
  /// The keypad survey ended without a rating: "NO_INPUT" (no digit) or "HUNG_UP".
  boost::asio::awaitable<result<void>> survey_unrated(const std::string& session_id, const std::string& outcome,
                                                      std::string request_id);
  /// Appends to the transcript; returns the new message's id.
  boost::asio::awaitable<result<chat_entry>> post_chat(const std::string& session_id, v1::Party from,
                                                       const std::string& agent_id, const std::string& sender_name,
                                                       const std::string& text, std::string request_id);
  /// `reason` is shown beside the status: "lawyer" (their own choice) or "access_ended" (an
  /// administrator disabled the account or changed its role or password).
  boost::asio::awaitable<result<void>> set_status(const agent_profile& agent, v1::AgentStatus status,
                                                  std::string request_id, std::string reason = "lawyer");
  /// Moves a connected session to another skill's queue or out to another hotline.
  boost::asio::awaitable<result<v1::SessionState>> transfer(const std::string& agent_id,
                                                            const transfer_request& request, std::string request_id);
  /// A supervisor moves a waiting caller up (routing.urgent_boost_seconds).
  boost::asio::awaitable<result<session_view>> mark_urgent(const std::string& session_id, const std::string& by,
                                                           std::string request_id);
  /// A waiting caller leaves a message or asks for a callback; the session becomes OVERFLOWED.
  /// The ticket id follows from the session id and the caller's session token reads it, so a
  /// retried request can only ever make the one ticket.
  boost::asio::awaitable<result<ticket_view>> leave_message(const leave_message_request& request,
                                                            std::string request_id);
  boost::asio::awaitable<result<void>> reply_ticket(const std::string& agent_id, const std::string& agent_name,
                                                    const std::string& ticket_id, v1::ReplyKind kind,
                                                    const std::string& text, std::string request_id);
  /// A connection opened or closed; a close starts the grace period.
  /// `connection_id` names the caller's connection: the close of one that a newer connection
  /// replaced is ignored.
  boost::asio::awaitable<result<void>> caller_connection(const std::string& session_id, bool connected,
                                                         const std::string& connection_id);
  boost::asio::awaitable<result<void>> agent_connection(const std::string& agent_id, bool connected);
  /// Acts on due deadlines (offer timeouts, wrap-up and grace ends); returns how many it handled.
  boost::asio::awaitable<result<int>> sweep();

  boost::asio::awaitable<result<session_view>> session(const std::string& session_id);
  boost::asio::awaitable<result<agent_view>> agent(const std::string& agent_id);
  /// A ticket; a duplicate carries the reply of the ticket it repeats.
  boost::asio::awaitable<result<ticket_view>> ticket(const std::string& ticket_id);
  /// Open tickets, the nearest reply deadline first.
  boost::asio::awaitable<result<std::vector<ticket_view>>> open_tickets(int limit = 100);
  boost::asio::awaitable<result<queue_snapshot>> snapshot();
  /// Callers waiting and the longest wait per skill, and the lawyers' statuses: cheap enough to scrape.
  boost::asio::awaitable<result<queue_floor>> floor_view();
  /// The sessions waiting for one skill ("category:language") from place `first` (0-based) on, in order.
  boost::asio::awaitable<result<waiting_line>> line(const std::string& skill, int first);
  /// Every broken routing invariant (a session in two places, a lawyer over capacity, counters that
  /// disagree with the live sessions); empty when all hold.
  boost::asio::awaitable<result<std::vector<std::string>>> verify();
  /// Transcript entries after `after_id` ("" or "0" for all), oldest first.
  boost::asio::awaitable<result<std::vector<chat_entry>>> chat_after(const std::string& session_id,
                                                                     const std::string& after_id, int limit = 200);
  /// The raw counters of one day ("metric|channel|category" → value), for the stats module.
  boost::asio::awaitable<result<std::map<std::string, std::int64_t>>> day_counters(const std::string& day);

  // The archive feed (queue/src/archive_feed.cpp): the events stream read through a consumer group,
  // turned into the rows the archive writes.

  /// Records `archive_id` as the centre's archive unless one is recorded already; returns the
  /// recorded one, so a node whose archive differs can tell it is not writing where the others do.
  boost::asio::awaitable<result<std::string>> centre_archive(const std::string& archive_id);
  /// Takes or renews the archiver's lease for `node`; true while this node is the one archiving.
  boost::asio::awaitable<result<bool>> hold_archive_lease(const std::string& node, std::chrono::milliseconds ttl);
  /// The next events to archive: first any delivered but unacknowledged (a crashed archiver's
  /// batch), then new ones; with the finished sessions, tickets and status changes they touch.
  boost::asio::awaitable<result<archive_read>> read_for_archive(const std::string& consumer, int count);
  /// After the archive committed the batch: acknowledges its events and remembers what may be trimmed.
  boost::asio::awaitable<result<void>> archived(const archive_read& batch);
  /// Drops sessions and tickets archived and finished before `cutoff_ms`, and acknowledged events
  /// older than it; at most `limit` keys per call.
  boost::asio::awaitable<result<trim_result>> trim_archived(std::int64_t cutoff_ms, int limit);
  /// The rows of everything the archiver has not acknowledged yet (its backlog): reports add them
  /// to the archive's, so a report is exact the moment a session finishes.
  boost::asio::awaitable<result<archive_read>> unarchived();
  /// Events the archiver has not acknowledged: delivered and pending, plus not yet read.
  boost::asio::awaitable<result<std::int64_t>> archive_backlog();
  /// Every live (unfinished) session as an archive row, for reports that include today.
  boost::asio::awaitable<result<std::vector<v1::ArchivedSession>>> live_records();
  /// The raw counters of every day that has any, for rebuild.
  boost::asio::awaitable<result<std::vector<std::string>>> counter_days();
  /// Replaces one day's counters (rebuild --write).
  boost::asio::awaitable<result<void>> replace_day_counters(const std::string& day,
                                                            const std::map<std::string, std::int64_t>& counters);
  /// When the earliest deadline (offer, wrap-up, grace, wait stage) falls due; nothing when none.
  boost::asio::awaitable<result<std::optional<std::int64_t>>> next_deadline_ms();
  /// While a simulation books past traffic, the live sweepers of the centre stand still (its
  /// deadlines are in simulated time); the mark lapses after `ttl` unless renewed. 0 clears it.
  boost::asio::awaitable<result<void>> mark_simulation(std::chrono::milliseconds ttl);
  /// Scripts take their time from this clock instead of Redis TIME: for simulations and tests
  /// that book months of traffic in seconds.
  void set_clock(std::function<std::int64_t()> clock) { clock_ = std::move(clock); }

  /// Seconds a caller at `position` can expect to wait, from the lawyers on duty for the skill.
  int estimated_wait_seconds(const session_view& session) const;

  const std::string& notify_channel() const { return notify_channel_; }
  static std::optional<notification> parse_notification(std::string_view payload);
  /// Who a pushed session or lawyer state is for, read without decoding the state; nothing for
  /// other messages.
  static std::optional<push_address> address_of(std::string_view payload);

  bool known_category(const std::string& code) const;
  bool known_language(const std::string& code) const;
  bool known_destination(const std::string& code) const;
  static std::string ticket_id_of(const std::string& session_id) { return "t" + session_id; }

 private:
  boost::asio::awaitable<result<core::redis_value>> run(const std::string& script, std::vector<std::string> keys,
                                                        std::vector<std::string> args, std::string request_id);
  /// One FCALL with the calling convention of queue/lua/_lib.lua.
  boost::asio::awaitable<result<core::redis_value>> call(const std::string& script,
                                                         const std::vector<std::string>& keys,
                                                         std::vector<std::string> args, const std::string& request_id);
  std::string session_key(const std::string& id) const { return prefix_ + "session:" + id; }
  std::string agent_key(const std::string& id) const { return prefix_ + "agent:" + id; }
  /// Runs a read-only view script.
  boost::asio::awaitable<result<core::redis_value>> view(const std::string& script, std::vector<std::string> keys,
                                                         std::vector<std::string> args = {});
  /// The skills of a list are "category:language" with both in the catalog.
  /// The finished sessions, tickets and status changes a run of events touches.
  boost::asio::awaitable<result<archive_read>> rows_for(const core::redis_value& entries);
  result<void> check_skills(const std::vector<std::string>& skills) const;

  core::redis_client& redis_;
  const core::config& config_;
  std::string prefix_;  ///< "{centre}:"
  std::string notify_channel_;
  std::vector<std::pair<std::string, std::string>> settings_;  ///< {c}:settings, field by field
  std::string settings_version_;                               ///< ARGV[1] of every call
  std::function<std::int64_t()> clock_;                        ///< ARGV[2]; empty: Redis TIME
  bool archive_group_ready_ = false;
  std::map<std::string, std::string, std::less<>> functions_;  ///< script name → versioned function name
};

}  // namespace hotline::queue
