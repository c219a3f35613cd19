#pragma once
// What routing reads and takes: snapshots of sessions and lawyers, and the inputs of transitions.

#include <hotline/proto/hotline.pb.h>

#include <cstdint>
#include <optional>
#include <string>
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
  int position = 0;  ///< 1 = next in line; 0 when not waiting
  int staffed = 0;   ///< lawyers AVAILABLE for this session's skill
  bool caller_connected = false;
};

struct agent_view {
  std::string id;
  std::string name;
  v1::AgentStatus status = v1::OFFLINE;
  std::string status_reason;  ///< e.g. "missed_offers" when routing set them AWAY
  std::vector<std::string> skills;
  int load = 0;
  int chat_capacity = 0;
  int misses = 0;
  std::optional<session_view> offer;
  std::vector<session_view> sessions;
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
};

/// What routing needs to know of a lawyer; the accounts module is the source.
struct agent_profile {
  std::string id;
  std::string name;
  std::vector<std::string> skills;  ///< "category:language"
  int chat_capacity = 3;
};

struct work_order {
  std::string session_id;
  v1::WorkOrderType type = v1::CONSULTATION;
  std::string category;
  v1::Outcome outcome = v1::RESOLVED;
  std::string note;
};

/// A pub/sub hint that something changed; the receiver re-reads the record.
struct notification {
  enum class kind { session, agent, queue };
  kind what;
  std::string id;  ///< session id, agent id or skill
};

}  // namespace hotline::queue
