#pragma once
// What routing reads and takes: snapshots of sessions and lawyers, and the inputs of transitions.

#include <hotline/proto/hotline.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::queue {

struct session_view {
  std::string id;
  v1::SessionState state = v1::SESSION_STATE_UNSPECIFIED;
  v1::Channel channel = v1::CHAT;
  std::string category;
  std::string language;
  v1::Priority priority = v1::PRIORITY_UNSPECIFIED;
  std::string token_hash;
  std::string lawyer_id;
  std::string lawyer_name;
  std::string offer_id;
  std::string offered_to;
  v1::Rating rating = v1::RATING_UNSPECIFIED;
  std::int64_t enqueued_ms = 0;
  std::int64_t answered_ms = 0;
  std::int64_t offer_expires_ms = 0;
  std::int64_t offered_ms = 0;
  std::string contact;  ///< masked; the caller's number for a phone session
  int position = 0;  ///< 1 = next in line; 0 when not waiting
  int staffed = 0;   ///< lawyers AVAILABLE for this session's skill
  bool caller_connected = false;
  std::string overflow_reason;  ///< "max_wait" or "no_lawyer_on_duty": a message or callback is offered
  std::string transferred_to;   ///< the hotline a lawyer sent the caller to
  std::string ticket_id;        ///< the ticket an OVERFLOWED session became
  int transfers = 0;            ///< moves to another skill
  std::int64_t version = 0;     ///< goes up with every published change: a later push or read wins

  bool operator==(const session_view&) const = default;
};

struct agent_view {
  std::string id;
  std::string name;
  v1::AgentStatus status = v1::OFFLINE;
  std::string status_reason;  ///< e.g. "missed_offers" when routing set them AWAY
  std::vector<std::string> skills;
  std::vector<std::string> backup_skills;
  int load = 0;
  int chat_capacity = 0;
  int misses = 0;
  int sessions_today = 0;
  bool on_call = false;
  bool phone_registered = false;
  std::optional<session_view> offer;
  std::vector<session_view> sessions;
  std::int64_t version = 0;  ///< as session_view::version; 0 before the first status change

  bool operator==(const agent_view&) const = default;
};

struct chat_entry {
  std::string id;  ///< the transcript stream's entry id
  v1::Party from = v1::PARTY_UNSPECIFIED;
  std::string sender_name;
  std::string text;
  std::int64_t sent_ms = 0;
};

struct start_request {
  std::string session_id;
  std::string token_hash;
  v1::Channel channel = v1::CHAT;
  std::string category;
  std::string language;
  v1::Priority priority = v1::PRIORITY_UNSPECIFIED;
  std::string contact;  ///< already masked
  /// The anonymous chat caller's address (IPv6 by /64), for the per-source limits; "" for none
  /// (phone calls come through Kamailio).
  std::string source;
};

/// What routing needs to know of a lawyer; the accounts module is the source.
struct agent_profile {
  std::string id;
  std::string name;
  std::vector<std::string> skills;         ///< primary, "category:language"
  std::vector<std::string> backup_skills;  ///< offered only after routing.backup_after_seconds
  int chat_capacity = 3;
};

/// A message (留言) or callback request left instead of waiting on.
struct ticket_view {
  std::string id;
  v1::TicketKind kind = v1::MESSAGE;
  v1::TicketState state = v1::OPEN;
  std::string token_hash;  ///< the SHA-256 of the caller's session token, which reads it
  std::string session_id;
  v1::Channel channel = v1::CHAT;
  std::string category;
  std::string language;
  std::string contact;
  std::string question;
  std::int64_t created_ms = 0;
  std::int64_t deadline_ms = 0;
  v1::ReplyKind reply_kind = v1::REPLY_KIND_UNSPECIFIED;
  std::string reply;
  std::string replied_by;
  std::string replied_by_name;
  std::int64_t replied_ms = 0;
  std::string duplicate_of;
};

struct leave_message_request {
  std::string session_id;
  v1::TicketKind kind = v1::MESSAGE;
  std::string contact;
  std::string question;
};

/// Where a lawyer sends a connected session: another skill, or out to another hotline.
struct transfer_request {
  std::string session_id;
  std::string category;  ///< with language: another skill
  std::string language;
  std::string destination;  ///< or: a hotline code from routing.transfer_destinations
};

/// The tail of one queue's line as the place-in-line pushes need it.
struct waiting_line {
  int first = 0;                      ///< the 0-based place of sessions.front()
  std::vector<std::string> sessions;  ///< in order from that place to the back
  int staffed = 0;                    ///< lawyers AVAILABLE who may take them (as session_view::staffed)
};

/// What a supervisor sees: every live session and every lawyer known to routing.
struct queue_snapshot {
  std::vector<session_view> sessions;  ///< oldest first
  std::vector<agent_view> agents;
};

/// One skill's callers waiting (queued, or ringing a lawyer) and when the longest waiting arrived.
struct skill_floor {
  std::string skill;  ///< "category:language"
  int waiting = 0;
  std::optional<std::int64_t> oldest_enqueued_ms;  ///< none when nobody waits
};

/// The floor at a glance (/metrics, the wallboard), read at O(skills + lawyers) whatever the queue's
/// length.
struct queue_floor {
  std::vector<skill_floor> skills;  ///< every configured skill, then any other found ringing
  std::vector<agent_view> agents;   ///< id, status and load only
};

/// Events read for the archive, and the rows they lead to.
struct archive_read {
  std::vector<std::string> event_ids;         ///< acknowledged once the rows are committed
  std::vector<v1::ArchivedSession> sessions;  ///< finished sessions the events touched
  std::vector<v1::ArchivedTicket> tickets;
  std::vector<v1::ArchivedStatusChange> status_changes;
  /// "session:<id>" / "ticket:<id>" → when it finished: trim drops it once that is old enough.
  std::vector<std::pair<std::string, std::int64_t>> finished;
  bool empty() const { return event_ids.empty(); }
};

struct trim_result {
  int keys = 0;
  std::int64_t events = 0;
};

struct work_order {
  std::string session_id;
  v1::WorkOrderType type = v1::CONSULTATION;
  std::string category;
  v1::Outcome outcome = v1::RESOLVED;
  std::string note;
};

/// A new transcript line as the chat script published it: the line itself, so that nobody
/// re-reads the transcript to show it.
struct chat_line {
  std::string session_id;
  std::string lawyer_id;   ///< the lawyer of the session ("" when none)
  std::string request_id;  ///< the scoped request id of the frame that posted it ("" for none)
  chat_entry entry;
};

/// One message of the centre's pub/sub channel. Sessions and lawyers come with their new state
/// (queue/lua/_lib.lua publish_changes), so no gateway reads it back.
struct notification {
  enum class kind { session, agent, queue, ticket, chat };
  kind what;
  std::string id;  ///< session id, agent id, skill, ticket id; for a chat line its session id
  std::optional<chat_line> line = std::nullopt;  ///< for kind::chat
  int rank = 0;  ///< for kind::queue: the first (0-based) place the change moved
  std::optional<session_view> session = std::nullopt;  ///< for kind::session
  std::optional<agent_view> agent = std::nullopt;      ///< for kind::agent
  /// For a session or lawyer: the (scoped) request this state answers; "" when it answers none.
  std::string request_id = {};
};

/// The addressees of a pushed state (views of the payload): a session and its lawyer ("" when
/// none), or a lawyer.
struct push_address {
  notification::kind what;
  std::string_view id;
  std::string_view lawyer;
};

}  // namespace hotline::queue
