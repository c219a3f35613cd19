#pragma once
// The session lifecycle of DESIGN.md §5 as a table. The Lua scripts make the transitions; this
// is the specification they are tested against, and what C++ code asks about a state.

#include <hotline/proto/hotline.pb.h>

namespace hotline::queue {

/// QUEUED or OFFERED: the caller is still in line.
bool is_waiting(v1::SessionState state);
/// CLOSED, ABANDONED, OVERFLOWED, TRANSFERRED: nothing more happens to the session.
bool is_final(v1::SessionState state);
/// QUEUED → OFFERED → CONNECTED → WRAP_UP → CLOSED; OFFERED → QUEUED (decline, timeout, withdrawal);
/// QUEUED/OFFERED → ABANDONED or OVERFLOWED (a message left); CONNECTED → QUEUED (a transfer to
/// another skill); WRAP_UP → TRANSFERRED (the work order of a transfer out).
bool can_transition(v1::SessionState from, v1::SessionState to);

}  // namespace hotline::queue
