// The transition table.
#include "hotline/queue/lifecycle.hpp"

namespace hotline::queue {

bool is_waiting(v1::SessionState state) { return state == v1::QUEUED || state == v1::OFFERED; }

bool is_final(v1::SessionState state) {
  return state == v1::CLOSED || state == v1::ABANDONED || state == v1::OVERFLOWED || state == v1::TRANSFERRED;
}

bool can_transition(v1::SessionState from, v1::SessionState to) {
  switch (from) {
    case v1::SESSION_STATE_UNSPECIFIED:
      return to == v1::QUEUED;
    case v1::QUEUED:
      return to == v1::OFFERED || to == v1::ABANDONED || to == v1::OVERFLOWED;
    case v1::OFFERED:
      return to == v1::QUEUED || to == v1::CONNECTED || to == v1::ABANDONED || to == v1::OVERFLOWED;
    case v1::CONNECTED:
      // Back to QUEUED: a lawyer transferred it to another skill.
      return to == v1::WRAP_UP || to == v1::QUEUED;
    case v1::WRAP_UP:
      // TRANSFERRED: the work order of a session sent on to another hotline.
      return to == v1::CLOSED || to == v1::TRANSFERRED;
    default:
      return false;
  }
}

}  // namespace hotline::queue
