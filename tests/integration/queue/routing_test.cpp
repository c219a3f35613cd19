// The routing rules, one test (or a few) per rule, on a real redis-server with short timeouts:
// skills by level, priorities, lawyer selection, capacity per channel, offers, overflow,
// messages and callbacks, transfers, transcripts across gateways, and a sweeper that acts once.
#include "queue_fixture.hpp"

using namespace hotline;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

class Routing : public test::queue_fixture {
 protected:
  explicit Routing(const adjust& change = {}) : queue_fixture(change) {}

  static queue::agent_profile backup_lawyer(const std::string& id, const std::string& backup_skill) {
    auto p = lawyer(id, "legal_aid:zh");
    p.backup_skills = std::vector<std::string>(1, backup_skill);
    return p;
  }

  asio::awaitable<void> available(const queue::agent_profile& profile) {
    auto ok = co_await engine.set_status(profile, v1::AVAILABLE, "");
    EXPECT_TRUE(ok) << profile.id << ": " << ok.error().message();
  }

  asio::awaitable<void> start(const queue::start_request& request) {
    auto ok = co_await engine.start(request, "");
    EXPECT_TRUE(ok) << request.session_id << ": " << ok.error().message();
  }

  /// Accepts whatever is offered to the lawyer; the session id it was for.
  asio::awaitable<std::string> take_offer(const std::string& agent_id) {
    auto a = co_await engine.agent(agent_id);
    EXPECT_TRUE(a && a->offer) << agent_id << " has no offer";
    if (!a || !a->offer) co_return "";
    auto ok = co_await engine.accept(agent_id, a->offer->offer_id, "");
    EXPECT_TRUE(ok) << ok.error().message();
    co_return a->offer->id;
  }

  /// Ends the lawyer's session and files its work order.
  asio::awaitable<void> finish(const std::string& agent_id, const std::string& session_id) {
    EXPECT_TRUE(co_await engine.end_by_lawyer(agent_id, session_id, ""));
    queue::work_order order;
    order.session_id = session_id;
    order.category = "consult.marriage";
    EXPECT_TRUE(co_await engine.wrap_up(agent_id, order, ""));
  }
};

class QuickOverflow : public Routing {
 protected:
  QuickOverflow()
      : Routing([](core::config& c) {
          quick_overflow(c);
          c.routing.max_queue_length = 3;
          c.admission.chat_queue_share_percent = 100;
        }) {}
};

class PhoneReserve : public Routing {
 protected:
  PhoneReserve()
      : Routing([](core::config& c) {
          c.routing.max_queue_length = 5;
          c.admission.chat_queue_share_percent = 60;
        }) {}
};

class ShortBoost : public Routing {
 protected:
  ShortBoost() : Routing([](core::config& c) { c.routing.priority_boost_seconds = 1; }) {}
};

class MissPenalty : public Routing {
 protected:
  MissPenalty() : Routing([](core::config& c) { c.routing.max_missed_offers = 2; }) {}
};

class FewestToday : public Routing {
 protected:
  FewestToday() : Routing([](core::config& c) { c.routing.selection = "fewest_today"; }) {}
};

class RoundRobin : public Routing {
 protected:
  RoundRobin() : Routing([](core::config& c) { c.routing.selection = "round_robin"; }) {}
};

}  // namespace

// 1. Skills and levels.

TEST_F(Routing, APrimaryLawyerIsPreferredToABackupWhoWasIdleLonger) {
  run([this]() -> asio::awaitable<void> {
    co_await available(backup_lawyer("backup", "consult.marriage:zh"));
    co_await test::sleep_for(20ms);
    co_await available(lawyer("primary"));
    co_await start(caller("s1"));
    EXPECT_EQ((co_await session("s1")).offered_to, "primary");
    co_await expect_invariants("after the offer");
  }());
}

TEST_F(QuickOverflow, ABackupIsOfferedTheSessionOnlyAfterTheBackupWait) {
  run([this]() -> asio::awaitable<void> {
    co_await available(backup_lawyer("backup", "consult.marriage:zh"));
    co_await start(caller("s1"));
    auto waiting = co_await session("s1");
    EXPECT_EQ(waiting.state, v1::QUEUED) << "a backup does not take a fresh session";
    EXPECT_EQ(waiting.overflow_reason, "") << "a backup on duty counts as qualified";
    auto offered = co_await sweep_until_not("s1", v1::QUEUED);
    EXPECT_EQ(offered.state, v1::OFFERED);
    EXPECT_EQ(offered.offered_to, "backup");
    EXPECT_GE(offered.offer_expires_ms - offered.enqueued_ms, 1000 + 1000 - 100) << "after backup_after + ring";
    co_await expect_invariants("after the backup offer");
  }());
}

TEST_F(QuickOverflow, ABackupComingOnDutyTakesOnlySessionsPastTheBackupWait) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("old"));
    co_await test::sleep_for(1100ms);
    co_await start(caller("new"));
    co_await available(backup_lawyer("backup", "consult.marriage:zh"));
    EXPECT_EQ((co_await session("old")).offered_to, "backup");
    EXPECT_EQ((co_await session("new")).state, v1::QUEUED);
  }());
}

// 6. Overflow: general pool, then a message; no lawyer at all; a full queue.

TEST_F(QuickOverflow, AfterTheGeneralWaitAnyLawyerOfTheLanguageIsOffered) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("generalist", "legal_aid:zh"));
    co_await available(lawyer("english", "consult.labour:en"));
    co_await start(caller("s1", "consult.labour", "zh"));
    co_await sweep_for(1300ms);
    EXPECT_EQ((co_await session("s1")).state, v1::QUEUED) << "not yet: generalist has no backup level for it";
    auto offered = co_await sweep_until_not("s1", v1::QUEUED);
    EXPECT_EQ(offered.state, v1::OFFERED);
    EXPECT_EQ(offered.offered_to, "generalist")
        << "speaks zh; the English lawyer has the category but not the language";
    co_await expect_invariants("after the general pool offer");
  }());
}

TEST_F(QuickOverflow, AGeneralistComingOnDutyTakesAnOverflowedSession) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("busy"));
    co_await engine.set_status(lawyer("busy"), v1::AWAY, "");  // someone qualified was on duty
    co_await start(caller("s1", "consult.labour"));
    co_await sweep_for(2200ms);
    co_await available(lawyer("generalist", "legal_aid:zh"));
    EXPECT_EQ((co_await session("s1")).offered_to, "generalist");
  }());
}

TEST_F(QuickOverflow, PastTheMaximumWaitTheCallerIsOfferedAMessage) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1", "consult.marriage:zh", 1));
    co_await start(caller("s0"));
    co_await take_offer("l1");  // the only qualified lawyer is on duty but full
    co_await start(caller("s1"));
    EXPECT_EQ((co_await session("s1")).overflow_reason, "");
    co_await sweep_for(3300ms);
    auto s = co_await session("s1");
    EXPECT_EQ(s.overflow_reason, "max_wait");
    EXPECT_EQ(s.state, v1::QUEUED) << "the caller may still wait on";
    EXPECT_EQ(s.position, 1);
    co_await expect_invariants("past the maximum wait");
  }());
}

TEST_F(Routing, WithNoQualifiedLawyerOnDutyAMessageIsOfferedAtOnce) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("english", "consult.marriage:en"));
    co_await start(caller("s1", "consult.marriage", "zh"));
    auto s = co_await session("s1");
    EXPECT_EQ(s.state, v1::QUEUED);
    EXPECT_EQ(s.overflow_reason, "no_lawyer_on_duty");
    co_await start(caller("s2", "consult.marriage", "en"));
    EXPECT_EQ((co_await session("s2")).overflow_reason, "");
  }());
}

TEST_F(QuickOverflow, AFullQueueRefusesToJoinWithAClearReason) {
  run([this]() -> asio::awaitable<void> {
    for (const char* id : {"a", "b", "c"}) co_await start(caller(id));
    auto refused = co_await engine.start(caller("d"), "");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), queue::errc::queue_full);
    EXPECT_FALSE(co_await engine.session("d")) << "nothing written";
    co_await start(caller("other-queue", "consult.labour"));
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["offered|CHAT|consult.marriage"], 3);
    co_await expect_invariants("after the refusal");
  }());
}

TEST_F(PhoneReserve, ChatCallersCannotTakeThePlacesKeptForCalls) {
  run([this]() -> asio::awaitable<void> {
    for (const char* id : {"a", "b", "c"}) co_await start(caller(id));
    auto refused = co_await engine.start(caller("d"), "");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), queue::errc::queue_full) << "chat fills 60 % of five";
    EXPECT_TRUE(co_await engine.start(phone_caller("p1"), ""));
    EXPECT_TRUE(co_await engine.start(phone_caller("p2"), ""));
    auto full = co_await engine.start(phone_caller("p3"), "");
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(), queue::errc::queue_full);
    co_await expect_invariants("after the refusals");
  }());
}

TEST_F(Routing, OneSourceStartsAndHoldsOnlyItsShare) {
  run([this]() -> asio::awaitable<void> {
    // Defaults: five waiting at once, ten starts a minute, per source.
    auto from = [](const std::string& id, const std::string& source) {
      auto r = caller(id);
      r.source = source;
      return r;
    };
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(co_await engine.start(from("w" + std::to_string(i), "198.51.100.7"), ""));
    auto sixth = co_await engine.start(from("w5", "198.51.100.7"), "");
    ASSERT_FALSE(sixth);
    EXPECT_EQ(sixth.error(), queue::errc::rate_limited);
    EXPECT_FALSE(co_await engine.session("w5")) << "nothing written";
    EXPECT_TRUE(co_await engine.start(from("x0", "198.51.100.8"), "")) << "another source";
    // A retried start replays its first answer: not a second session, not a second start.
    EXPECT_TRUE(co_await engine.start(from("x1", "198.51.100.8"), "retry-1"));
    EXPECT_TRUE(co_await engine.start(from("x1", "198.51.100.8"), "retry-1"));
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(co_await engine.end_by_caller("w" + std::to_string(i), ""));
    for (int i = 5; i < 10; ++i)
      EXPECT_TRUE(co_await engine.start(from("w" + std::to_string(i), "198.51.100.7"), "")) << i;
    auto eleventh = co_await engine.start(from("w10", "198.51.100.7"), "");
    ASSERT_FALSE(eleventh);
    EXPECT_EQ(eleventh.error(), queue::errc::rate_limited) << "ten starts a minute";
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["offered|CHAT|consult.marriage"], 12);
    co_await expect_invariants("after the refusals");
  }());
}

// 2. Priorities.

TEST_F(Routing, APriorityCallerGoesAheadAndTheClassIsFifo) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("ordinary"));
    co_await start(priority_caller("elderly", v1::ELDERLY));
    co_await start(priority_caller("wages", v1::MIGRANT_WAGES));
    EXPECT_EQ((co_await session("elderly")).position, 1);
    EXPECT_EQ((co_await session("wages")).position, 2) << "FIFO within the priority class";
    EXPECT_EQ((co_await session("ordinary")).position, 3);
    EXPECT_EQ((co_await session("elderly")).priority, v1::ELDERLY);
  }());
}

TEST_F(ShortBoost, AnOrdinaryCallerWhoWaitedLongerThanTheBoostStaysAhead) {
  // The boost is a fixed head start, not a class that always wins: after boost seconds of waiting
  // an ordinary caller is ahead of any newly arrived priority caller.
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("ordinary"));
    co_await test::sleep_for(1200ms);
    co_await start(priority_caller("minor", v1::MINOR));
    EXPECT_EQ((co_await session("ordinary")).position, 1);
    EXPECT_EQ((co_await session("minor")).position, 2);
  }());
}

TEST_F(Routing, ASupervisorsUrgentFlagMovesAWaitingCallerUp) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("a"));
    co_await start(caller("b"));
    co_await start(caller("c"));
    auto marked = co_await engine.mark_urgent("c", "supervisor", "");
    ASSERT_TRUE(marked) << marked.error().message();
    EXPECT_EQ(marked->priority, v1::URGENT);
    EXPECT_EQ(marked->position, 1);
    EXPECT_EQ((co_await session("a")).position, 2);
    co_await available(lawyer("l1"));
    EXPECT_EQ((co_await session("c")).state, v1::OFFERED);
    co_await expect_invariants("after urgent");
  }());
}

// 3. Lawyer selection and capacity.

TEST_F(Routing, TheLawyerIdleLongestGetsTheNextSession) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("first"));
    co_await test::sleep_for(20ms);
    co_await available(lawyer("second"));
    co_await start(caller("s1"));
    EXPECT_EQ((co_await session("s1")).offered_to, "first");
    // first's session ends: idle from now, so second (idle since start) is next.
    auto sid = co_await take_offer("first");
    co_await finish("first", sid);
    co_await start(caller("s2"));
    EXPECT_EQ((co_await session("s2")).offered_to, "second");
  }());
}

TEST_F(Routing, AnIdleLawyerOutranksABusyOneWhoWasIdleLonger) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("early"));
    co_await start(caller("s1"));
    co_await take_offer("early");
    co_await available(lawyer("late"));
    co_await start(caller("s2"));
    EXPECT_EQ((co_await session("s2")).offered_to, "late");
  }());
}

TEST_F(FewestToday, FewestSessionsTodayWinsOverIdleTime) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("worked"));
    co_await start(caller("s1"));
    auto sid = co_await take_offer("worked");
    co_await finish("worked", sid);
    co_await test::sleep_for(20ms);
    co_await available(lawyer("fresh"));  // idle for less time than "worked", but 0 sessions today
    co_await start(caller("s2"));
    EXPECT_EQ((co_await session("s2")).offered_to, "fresh");
    auto worked = co_await engine.agent("worked");
    EXPECT_EQ(worked->sessions_today, 1);
  }());
}

TEST_F(RoundRobin, OffersTakeTurnsAmongTheLawyers) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("a"));
    co_await available(lawyer("b"));
    std::vector<std::string> order;
    for (const char* id : {"s1", "s2", "s3", "s4"}) {
      co_await start(caller(id));
      auto s = co_await session(id);
      order.push_back(s.offered_to);
      co_await take_offer(s.offered_to);  // both stay under capacity: busy does not stop the turn
    }
    EXPECT_NE(order[0], order[1]);
    EXPECT_EQ(order[0], order[2]);
    EXPECT_EQ(order[1], order[3]);
  }());
}

TEST_F(Routing, ALawyerTakesUpToTheirChatCapacity) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1", "consult.marriage:zh", 2));
    for (const char* id : {"s1", "s2", "s3"}) {
      co_await start(caller(id));
      if (std::string(id) != "s3") co_await take_offer("l1");
    }
    EXPECT_EQ((co_await session("s3")).state, v1::QUEUED);
    EXPECT_EQ((co_await engine.agent("l1"))->load, 2);
    co_await expect_invariants("at capacity");
  }());
}

TEST_F(Routing, ACallRingsOnlyARegisteredPhone) {
  run([this]() -> asio::awaitable<void> {
    EXPECT_TRUE(co_await engine.set_phone("l9", std::chrono::minutes(1), "sip:l9@127.0.0.1", ""));
    EXPECT_TRUE((co_await engine.agent("l9"))->phone_registered) << "shown before the lawyer's first time on duty";
    co_await available(lawyer("l1"));
    co_await start(phone_caller("call"));
    EXPECT_EQ((co_await session("call")).state, v1::QUEUED) << "no softphone registered";
    EXPECT_TRUE(co_await engine.set_phone("l1", std::chrono::minutes(1), "sip:l1@127.0.0.1", ""));
    auto offered = co_await session("call");
    EXPECT_EQ(offered.offered_to, "l1") << "the registration itself routes the waiting call";
    EXPECT_TRUE((co_await engine.agent("l1"))->phone_registered);
    // A no-answer report older than the offer is stale; a current one is a miss.
    EXPECT_TRUE(co_await engine.phone_missed("l1", "call", "no_answer", offered.offered_ms - 1000, ""));
    EXPECT_EQ((co_await session("call")).state, v1::OFFERED);
    EXPECT_TRUE(co_await engine.phone_missed("l1", "call", "no_answer", offered.offered_ms, ""));
    EXPECT_EQ((co_await session("call")).state, v1::QUEUED);
    EXPECT_EQ((co_await engine.agent("l1"))->misses, 1);
    EXPECT_TRUE(co_await engine.set_phone("l1", std::chrono::milliseconds(0), "", ""));
    EXPECT_FALSE((co_await engine.agent("l1"))->phone_registered);
    co_await expect_invariants("phones");
  }());
}

TEST_F(Routing, AKeypadSurveyWithoutADigitIsBookedApartFromTheRatings) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    EXPECT_TRUE(co_await engine.set_phone("l1", std::chrono::minutes(1), "sip:l1@127.0.0.1", ""));
    co_await start(phone_caller("silent"));
    co_await take_offer("l1");
    EXPECT_TRUE(co_await engine.end_by_lawyer("l1", "silent", ""));
    EXPECT_TRUE(co_await engine.survey_unrated("silent", "NO_INPUT", ""));
    auto again = co_await engine.survey_unrated("silent", "HUNG_UP", "");
    EXPECT_FALSE(again) << "one outcome per survey";
    EXPECT_FALSE(co_await engine.rate("silent", v1::SATISFIED, "")) << "the survey is over";
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["survey_no_input|PHONE|consult.marriage"], 1);
    EXPECT_EQ(counters["survey_hung_up|PHONE|consult.marriage"], 0);
    EXPECT_EQ(counters["rated|PHONE|consult.marriage"], 0);
    auto live = co_await engine.live_records();
    EXPECT_TRUE(live);
    if (live) {
      ASSERT_EQ(live->size(), 1u);
      EXPECT_EQ(live->front().survey(), v1::NO_INPUT) << "the archive row carries the outcome";
      EXPECT_EQ(live->front().rating(), v1::RATING_UNSPECIFIED);
    }
    co_await expect_invariants("an unrated survey");
  }());
}

TEST_F(Routing, ACallExcludesChatsAndAChatExcludesACall) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    EXPECT_TRUE(co_await engine.set_phone("l1", std::chrono::minutes(1), "sip:l1@127.0.0.1", ""));
    EXPECT_TRUE(co_await engine.set_phone("l2", std::chrono::minutes(1), "sip:l2@127.0.0.1", ""));
    co_await start(phone_caller("call"));
    co_await take_offer("l1");
    co_await start(caller("chat"));
    EXPECT_EQ((co_await session("chat")).state, v1::QUEUED) << "on a call: no chats";
    co_await finish("l1", "call");
    auto chat = co_await session("chat");
    EXPECT_EQ(chat.state, v1::OFFERED);
    co_await take_offer("l1");
    co_await start(phone_caller("call2"));
    EXPECT_EQ((co_await session("call2")).state, v1::QUEUED) << "with a chat open: no call";
    co_await available(lawyer("l2"));
    EXPECT_EQ((co_await session("call2")).offered_to, "l2");
    co_await expect_invariants("calls and chats");
  }());
}

// 4. Offers.

TEST_F(MissPenalty, MissedOffersInARowSetTheLawyerAwayWithTheReason) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await sweep_for(3500ms);  // two ring timeouts (1 s each) with the exclusion (1 s) between
    auto a = co_await engine.agent("l1");
    EXPECT_EQ(a->status, v1::AWAY);
    EXPECT_EQ(a->status_reason, "missed_offers");
    auto s = co_await session("s1");
    EXPECT_EQ(s.state, v1::QUEUED);
    EXPECT_EQ(s.position, 1) << "the caller keeps their place";
  }());
}

TEST_F(Routing, ALawyerWhoDeclinedIsNotOfferedTheSameSessionForAWhile) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    auto s = co_await session("s1");
    EXPECT_TRUE(co_await engine.decline("l1", s.offer_id, ""));
    EXPECT_EQ((co_await session("s1")).state, v1::QUEUED);
    co_await start(caller("s2"));
    EXPECT_EQ((co_await session("s2")).offered_to, "l1") << "others are still offered to them";
    EXPECT_TRUE(co_await engine.decline("l1", (co_await session("s2")).offer_id, ""));
    auto again = co_await sweep_until_not("s1", v1::QUEUED);
    EXPECT_EQ(again.offered_to, "l1") << "after the exclusion the only lawyer on duty is offered it again";
  }());
}

// 7. Messages and callbacks.

TEST_F(Routing, AWaitingCallerLeavesAMessageThatALawyerAnswers) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("s1"));
    queue::leave_message_request m{"s1", v1::MESSAGE, "13800000000", "离婚后孩子抚养费怎么算？"};
    auto ticket = co_await engine.leave_message(m, "r1");
    ASSERT_TRUE(ticket) << ticket.error().message();
    EXPECT_EQ(ticket->state, v1::OPEN);
    EXPECT_EQ(ticket->token_hash, "hash-s1") << "read with the session's token";
    EXPECT_GT(ticket->deadline_ms, ticket->created_ms);
    auto s = co_await session("s1");
    EXPECT_EQ(s.state, v1::OVERFLOWED);
    EXPECT_EQ(s.ticket_id, ticket->id);
    auto retried = co_await engine.leave_message(m, "r1");
    ASSERT_TRUE(retried);
    EXPECT_EQ(retried->id, ticket->id);
    auto open = co_await engine.open_tickets();
    ASSERT_EQ(open->size(), 1u);
    EXPECT_EQ(open->front().question, m.question);
    co_await expect_invariants("with an open ticket");

    auto replied = co_await engine.reply_ticket("l1", "张律师", ticket->id, v1::TEXT_REPLY, "按收入比例。", "");
    ASSERT_TRUE(replied) << replied.error().message();
    EXPECT_EQ((co_await engine.reply_ticket("l1", "张律师", ticket->id, v1::TEXT_REPLY, "again", "")).error(),
              queue::errc::invalid_state);
    auto read = co_await engine.ticket(ticket->id);
    EXPECT_EQ(read->state, v1::REPLIED);
    EXPECT_EQ(read->reply, "按收入比例。");
    EXPECT_EQ(read->replied_by_name, "张律师");
    EXPECT_TRUE((co_await engine.open_tickets())->empty());

    auto counters = co_await today_counters();
    EXPECT_EQ(counters["offered|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["overflowed|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["waiting|CHAT|consult.marriage"], 0);
    EXPECT_EQ(counters["messages_received|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["messages_replied|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["messages_replied_on_time|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["messages_open|CHAT|consult.marriage"], 0);
    co_await expect_invariants("after the reply");
  }());
}

TEST_F(Routing, TheSameContactAndQuestionWithinADayIsMarkedDuplicateNotCountedTwice) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("s1"));
    co_await start(caller("s2"));
    queue::leave_message_request first{"s1", v1::CALLBACK, "13800000000", "工资被拖欠三个月"};
    queue::leave_message_request again{"s2", v1::CALLBACK, " 13800000000", "工资被拖欠 三个月"};
    auto a = co_await engine.leave_message(first, "");
    auto b = co_await engine.leave_message(again, "");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(b->state, v1::DUPLICATE);
    EXPECT_EQ(b->duplicate_of, a->id);
    EXPECT_EQ((co_await engine.open_tickets())->size(), 1u);
    EXPECT_TRUE(co_await engine.reply_ticket("l1", "张律师", a->id, v1::CALLBACK_MADE, "已回电，建议申请劳动仲裁", ""));
    auto dup = co_await engine.ticket(b->id);
    EXPECT_EQ(dup->reply, "已回电，建议申请劳动仲裁") << "the duplicate shows the answer given";
    EXPECT_EQ(dup->reply_kind, v1::CALLBACK_MADE);
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["messages_received|CHAT|consult.marriage"], 2);
    EXPECT_EQ(counters["messages_duplicate|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["messages_replied|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["overflowed|CHAT|consult.marriage"], 2);
    co_await expect_invariants("with a duplicate");

    // Without a contact nobody can tell two askers apart: the same question is two tickets.
    co_await start(caller("s3"));
    co_await start(caller("s4"));
    queue::leave_message_request anonymous{"s3", v1::MESSAGE, "", "如何申请法律援助？"};
    auto c = co_await engine.leave_message(anonymous, "");
    anonymous.session_id = "s4";
    auto d = co_await engine.leave_message(anonymous, "");
    ASSERT_TRUE(c && d);
    EXPECT_EQ(d->state, v1::OPEN);
  }());
}

TEST_F(Routing, OnlyAWaitingCallerCanLeaveAMessage) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    queue::leave_message_request m{"s1", v1::MESSAGE, "", "问题"};
    EXPECT_EQ((co_await engine.leave_message(m, "")).error(), queue::errc::invalid_state);
    EXPECT_EQ((co_await engine.ticket("tnope")).error(), queue::errc::ticket_not_found);
  }());
}

TEST_F(Routing, LeavingAMessageWhileOfferedWithdrawsTheOffer) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await start(caller("s2"));
    queue::leave_message_request m{"s1", v1::MESSAGE, "", "问题"};
    ASSERT_TRUE(co_await engine.leave_message(m, ""));
    EXPECT_EQ((co_await session("s2")).offered_to, "l1") << "the lawyer is free for the next caller";
    co_await expect_invariants("after a withdrawn offer");
  }());
}

// 8. Transfers.

TEST_F(Routing, ATransferToAnotherSkillWaitsAheadOfLaterArrivalsAndCountsOnce) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("marriage"));
    co_await start(caller("s1"));
    co_await take_offer("marriage");
    co_await start(caller("later", "legal_aid"));
    queue::transfer_request t{"s1", "legal_aid", "zh", ""};
    auto moved = co_await engine.transfer("marriage", t, "");
    ASSERT_TRUE(moved) << moved.error().message();
    EXPECT_EQ(*moved, v1::QUEUED);
    auto s = co_await session("s1");
    EXPECT_EQ(s.category, "legal_aid");
    EXPECT_EQ(s.position, 1) << "ahead of the caller who arrived after it";
    EXPECT_EQ(s.transfers, 1);
    EXPECT_EQ((co_await engine.agent("marriage"))->load, 0) << "the first lawyer is free";
    co_await expect_invariants("after the transfer");
    co_await available(lawyer("aid", "legal_aid:zh"));
    EXPECT_EQ((co_await session("s1")).offered_to, "aid");
    co_await take_offer("aid");
    co_await finish("aid", "s1");
    auto counters = co_await today_counters();
    EXPECT_EQ(counters["offered|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["answered|CHAT|consult.marriage"], 1) << "answered once, though accepted twice";
    EXPECT_EQ(counters["handled|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["transferred_internal|CHAT|consult.marriage"], 1);
    EXPECT_EQ(counters["waiting|CHAT|consult.marriage"], 0);
    co_await expect_invariants("after the second lawyer");
  }());
}

TEST_F(Routing, ATransferOutEndsAsTransferredWithTheDestination) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    queue::transfer_request nowhere{"s1", "", "", "999"};
    EXPECT_EQ((co_await engine.transfer("l1", nowhere, "")).error(), queue::errc::unknown_destination);
    queue::transfer_request out{"s1", "", "", "12345"};
    auto moved = co_await engine.transfer("l1", out, "");
    ASSERT_TRUE(moved);
    EXPECT_EQ(*moved, v1::WRAP_UP);
    queue::work_order order;
    order.session_id = "s1";
    order.category = "consult.marriage";
    order.outcome = v1::REFERRED;
    EXPECT_TRUE(co_await engine.wrap_up("l1", order, ""));
    auto s = co_await session("s1");
    EXPECT_EQ(s.state, v1::TRANSFERRED);
    EXPECT_EQ(s.transferred_to, "12345");
    EXPECT_EQ((co_await today_counters())["transferred_out|CHAT|consult.marriage"], 1);
    queue::transfer_request late{"s1", "", "", "110"};
    EXPECT_EQ((co_await engine.transfer("l1", late, "")).error(), queue::errc::invalid_state);
  }());
}

TEST_F(Routing, OnlyTheConnectedLawyerCanTransfer) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    queue::transfer_request t{"s1", "legal_aid", "zh", ""};
    EXPECT_EQ((co_await engine.transfer("l2", t, "")).error(), queue::errc::forbidden);
  }());
}

// 9 and 10. Transcripts and deadlines across two gateways (two clients on one Redis).

TEST_F(Routing, ATranscriptPostedOnOneGatewayIsReadInFullOnAnother) {
  core::redis_client other_redis(io.get_executor(), options(), queue::engine::scripts());
  other_redis.start();
  queue::engine other(other_redis, config);
  run([&]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    auto first = co_await engine.post_chat("s1", v1::CALLER, "", "", "您好", "");
    auto second = co_await other.post_chat("s1", v1::LAWYER, "l1", "律师l1", "请讲", "");
    auto third = co_await engine.post_chat("s1", v1::CALLER, "", "", "关于抚养权", "");
    ASSERT_TRUE(first && second && third);
    auto after_first = co_await other.chat_after("s1", first->id);
    ASSERT_TRUE(after_first);
    ASSERT_EQ(after_first->size(), 2u) << "resumes after its last id and misses nothing";
    EXPECT_EQ((*after_first)[0].text, "请讲");
    EXPECT_EQ((*after_first)[1].id, third->id);
  }());
  other_redis.stop();
}

TEST_F(Routing, TwoSweepersActOnADeadlineOnce) {
  core::redis_client other_redis(io.get_executor(), options(), queue::engine::scripts());
  other_redis.start();
  queue::engine other(other_redis, config);
  run([&]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await test::sleep_for(1100ms);
    int handled = 0;
    for (int i = 0; i < 5; ++i) {
      auto mine = co_await engine.sweep();
      auto theirs = co_await other.sweep();
      ASSERT_TRUE(mine && theirs);
      handled += *mine + *theirs;
    }
    EXPECT_GE(handled, 1);
    auto a = co_await engine.agent("l1");
    EXPECT_EQ(a->misses, 1) << "one timeout, not one per sweeper";
  }());
  other_redis.stop();
}

TEST_F(Routing, TheCheckerFindsABrokenInvariant) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    co_await start(caller("s2"));
    co_await expect_invariants("before tampering");
    const std::string prefix = "{" + config.centre.id + "}:";
    std::vector<std::string> second_queue{"ZADD", prefix + "queue:consult.labour:zh", "1", "s2"};
    EXPECT_TRUE(co_await redis.exec(std::move(second_queue)));
    std::vector<std::string> overload{"HINCRBY", prefix + "agent:l1", "load", "5"};
    EXPECT_TRUE(co_await redis.exec(std::move(overload)));
    auto problems = co_await engine.verify();
    ASSERT_TRUE(problems);
    std::string all;
    for (const auto& p : *problems) all += p + "\n";
    EXPECT_NE(all.find("s2 is OFFERED and in a queue"), std::string::npos) << all;
    EXPECT_NE(all.find("l1 has load 6 but holds 1"), std::string::npos) << all;
  }());
}

TEST_F(Routing, TheLateCloseOfAReplacedConnectionDoesNotDropTheCaller) {
  run([this]() -> asio::awaitable<void> {
    co_await start(caller("s1"));
    EXPECT_TRUE(co_await engine.caller_connection("s1", true, "second"));  // resumed elsewhere first
    EXPECT_TRUE(co_await engine.caller_connection("s1", false, "first"));  // then the old socket's close
    co_await sweep_for(1300ms);                                            // past the grace period
    auto s = co_await session("s1");
    EXPECT_EQ(s.state, v1::QUEUED);
    EXPECT_TRUE(s.caller_connected);
    EXPECT_TRUE(co_await engine.caller_connection("s1", false, "second"));
    EXPECT_EQ((co_await sweep_until_not("s1", v1::QUEUED)).state, v1::ABANDONED) << "the latest one's close counts";
  }());
}

TEST_F(Routing, ADeclineEndsARunOfMissedOffers) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await sweep_until_not("s1", v1::OFFERED);  // rang out: one miss
    EXPECT_EQ((co_await engine.agent("l1"))->misses, 1);
    co_await start(caller("s2"));
    auto s2 = co_await session("s2");
    ASSERT_EQ(s2.offered_to, "l1");
    EXPECT_TRUE(co_await engine.decline("l1", s2.offer_id, ""));
    EXPECT_EQ((co_await engine.agent("l1"))->misses, 0);
  }());
}

TEST_F(Routing, LoweringCapacityUnderARingingOfferWithdrawsIt) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1", "consult.marriage:zh", 2));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    co_await start(caller("s2"));
    EXPECT_EQ((co_await session("s2")).state, v1::OFFERED);
    co_await available(lawyer("l1", "consult.marriage:zh", 1));
    auto s2 = co_await session("s2");
    EXPECT_EQ(s2.state, v1::QUEUED) << "the lawyer could no longer accept it";
    EXPECT_EQ((co_await engine.agent("l1"))->misses, 0);
    co_await expect_invariants("after lowering the capacity");
  }());
}

TEST_F(Routing, ATransferToAQueueWithNobodyOnDutyOffersAMessageAtOnce) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("l1"));
    co_await start(caller("s1"));
    co_await take_offer("l1");
    queue::transfer_request t{"s1", "consult.labour", "en", ""};
    EXPECT_TRUE(co_await engine.transfer("l1", t, ""));
    EXPECT_EQ((co_await session("s1")).overflow_reason, "no_lawyer_on_duty");
  }());
}

TEST_F(Routing, EachLawyersExclusionEndsOnItsOwnTime) {
  run([this]() -> asio::awaitable<void> {
    co_await available(lawyer("a"));
    co_await test::sleep_for(20ms);
    co_await available(lawyer("b"));
    co_await start(caller("s1"));
    auto first = co_await session("s1");
    ASSERT_EQ(first.offered_to, "a");
    EXPECT_TRUE(co_await engine.decline("a", first.offer_id, ""));  // a: excluded for 1 s from now
    co_await test::sleep_for(500ms);
    auto second = co_await session("s1");
    ASSERT_EQ(second.offered_to, "b");
    EXPECT_TRUE(co_await engine.decline("b", second.offer_id, ""));  // b: excluded until 0.5 s after a
    co_await sweep_for(750ms);
    auto again = co_await session("s1");
    EXPECT_EQ(again.state, v1::OFFERED) << "a's exclusion ended; b's has not";
    EXPECT_EQ(again.offered_to, "a");
  }());
}
