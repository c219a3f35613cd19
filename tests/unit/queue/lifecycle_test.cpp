// The lifecycle table of DESIGN.md §5.
#include <hotline/queue/lifecycle.hpp>

#include <gtest/gtest.h>

using namespace hotline;
using queue::can_transition;

TEST(Lifecycle, TheHappyPath) {
  EXPECT_TRUE(can_transition(v1::SESSION_STATE_UNSPECIFIED, v1::QUEUED));
  EXPECT_TRUE(can_transition(v1::QUEUED, v1::OFFERED));
  EXPECT_TRUE(can_transition(v1::OFFERED, v1::CONNECTED));
  EXPECT_TRUE(can_transition(v1::CONNECTED, v1::WRAP_UP));
  EXPECT_TRUE(can_transition(v1::WRAP_UP, v1::CLOSED));
}

TEST(Lifecycle, OffersGoBackAndWaitersMayLeave) {
  EXPECT_TRUE(can_transition(v1::OFFERED, v1::QUEUED));
  EXPECT_TRUE(can_transition(v1::QUEUED, v1::ABANDONED));
  EXPECT_TRUE(can_transition(v1::OFFERED, v1::ABANDONED));
}

TEST(Lifecycle, MessagesAndTransfers) {
  EXPECT_TRUE(can_transition(v1::QUEUED, v1::OVERFLOWED));
  EXPECT_TRUE(can_transition(v1::OFFERED, v1::OVERFLOWED));
  EXPECT_TRUE(can_transition(v1::CONNECTED, v1::QUEUED)) << "a transfer to another skill";
  EXPECT_TRUE(can_transition(v1::WRAP_UP, v1::TRANSFERRED)) << "the work order of a transfer out";
  EXPECT_FALSE(can_transition(v1::CONNECTED, v1::OVERFLOWED));
  EXPECT_FALSE(can_transition(v1::CONNECTED, v1::TRANSFERRED));
}

TEST(Lifecycle, NothingLeavesAFinalState) {
  for (auto final_state : {v1::CLOSED, v1::ABANDONED, v1::OVERFLOWED, v1::TRANSFERRED}) {
    EXPECT_TRUE(queue::is_final(final_state));
    for (int to = v1::SessionState_MIN; to <= v1::SessionState_MAX; ++to)
      EXPECT_FALSE(can_transition(final_state, static_cast<v1::SessionState>(to)));
  }
}

TEST(Lifecycle, NoSkippingSteps) {
  EXPECT_FALSE(can_transition(v1::QUEUED, v1::CONNECTED));
  EXPECT_FALSE(can_transition(v1::CONNECTED, v1::CLOSED));
  EXPECT_FALSE(can_transition(v1::CONNECTED, v1::ABANDONED));
  EXPECT_FALSE(can_transition(v1::WRAP_UP, v1::CONNECTED));
  EXPECT_TRUE(queue::is_waiting(v1::OFFERED));
  EXPECT_FALSE(queue::is_waiting(v1::CONNECTED));
}
