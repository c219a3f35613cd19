// Every transcript line reaches a connection once, in order, and every chat request gets one answer.
#include "transcript_cursor.hpp"

#include <gtest/gtest.h>

using namespace hotline;
using gateway::transcript_cursor;

namespace {

queue::chat_entry line(const std::string& id, const std::string& text = "") {
  queue::chat_entry e;
  e.id = id;
  e.text = text.empty() ? id : text;
  return e;
}

std::vector<std::string> ids(const std::vector<transcript_cursor::delivery>& out) {
  std::vector<std::string> list;
  for (const auto& d : out) list.push_back(d.entry.id + (d.request_id.empty() ? "" : "/" + d.request_id));
  return list;
}

using list = std::vector<std::string>;

}  // namespace

TEST(TranscriptCursor, PushesGoOutOnceAndInOrder) {
  transcript_cursor c;
  EXPECT_EQ(ids(c.offer("s1", line("5-0"), "")), list{"5-0"});
  EXPECT_EQ(ids(c.offer("s1", line("5-0"), "")), list{}) << "the same line again";
  EXPECT_EQ(ids(c.offer("s1", line("1000-0"), "")), list{"1000-0"});
  EXPECT_EQ(ids(c.offer("s1", line("999-0"), "")), list{}) << "older than what was shown (numeric order)";
  EXPECT_EQ(ids(c.offer("s2", line("7-0"), "")), list{"7-0"}) << "each session on its own";
  EXPECT_EQ(c.last_id("s1"), "1000-0");
}

TEST(TranscriptCursor, ARequestIsAnsweredOnceWhicheverOfReplyAndPushComesFirst) {
  transcript_cursor reply_first;
  EXPECT_EQ(ids(reply_first.replied("s1", line("1-0"), "r1")), list{}) << "a new line waits for its push";
  EXPECT_EQ(ids(reply_first.offer("s1", line("1-0"), "r1")), list{"1-0/r1"}) << "its push";

  transcript_cursor push_first;
  EXPECT_EQ(ids(push_first.offer("s1", line("1-0"), "r1")), list{"1-0/r1"});
  EXPECT_EQ(ids(push_first.replied("s1", line("1-0"), "r1")), list{}) << "the reply";

  transcript_cursor other_side;  // the other party sees the line without the request id
  EXPECT_EQ(ids(other_side.offer("s1", line("1-0"), "")), list{"1-0"});
}

TEST(TranscriptCursor, AReplyThatOvertakesAnEarlierLinesPushDoesNotHideThatLine) {
  // The lawyer's own line 3-0 is replied to while the caller's 2-0 is still on the pub/sub
  // connection: shown at once, 3-0 would make 2-0 look old and drop it.
  transcript_cursor c;
  EXPECT_EQ(ids(c.offer("s1", line("1-0"), "")), list{"1-0"});
  EXPECT_EQ(ids(c.replied("s1", line("3-0"), "l3")), list{});
  EXPECT_EQ(ids(c.offer("s1", line("2-0"), "")), list{"2-0"});
  EXPECT_EQ(ids(c.offer("s1", line("3-0"), "")), list{"3-0/l3"}) << "its push answers the request";
  // A push lost on the way: the next line's push brings the waiting one first.
  EXPECT_EQ(ids(c.replied("s1", line("4-0"), "l4")), list{});
  EXPECT_EQ(ids(c.offer("s1", line("5-0"), "")), (list{"4-0/l4", "5-0"}));
  // Or the read after a reconnect does.
  EXPECT_EQ(ids(c.replied("s1", line("6-0"), "l6")), list{});
  c.begin_read();
  EXPECT_EQ(ids(c.end_read("s1", {line("6-0")})), list{"6-0/l6"});
}

TEST(TranscriptCursor, ARetriedRequestIsAnsweredEvenWhenItsLineWasShown) {
  transcript_cursor c;  // a new connection that read the transcript, then retries the lost request
  c.begin_read();
  EXPECT_EQ(ids(c.end_read("s1", {line("1-0"), line("2-0")})), (list{"1-0", "2-0"}));
  EXPECT_EQ(ids(c.offer("s1", line("1-0"), "r9")), list{"1-0/r9"}) << "the client waits for r9";
  EXPECT_EQ(ids(c.offer("s1", line("1-0"), "r9")), list{});
}

TEST(TranscriptCursor, LinesPushedDuringARead_WaitAndMergeWithoutDuplicates) {
  transcript_cursor c;
  c.set_last_id("s1", "1-0");  // the client's lastMessageId on resume
  c.begin_read();
  EXPECT_EQ(ids(c.offer("s1", line("4-0"), "")), list{}) << "held";
  EXPECT_EQ(ids(c.offer("s1", line("3-0"), "")), list{}) << "held";
  EXPECT_EQ(ids(c.end_read("s1", {line("2-0"), line("3-0")})), (list{"2-0", "3-0", "4-0"}));
  EXPECT_EQ(c.last_id("s1"), "4-0");
}

TEST(TranscriptCursor, ForgettingASessionStartsItAfresh) {
  transcript_cursor c;
  c.offer("s1", line("5-0"), "");
  c.forget("s1");
  EXPECT_EQ(c.last_id("s1"), "");
  EXPECT_EQ(ids(c.offer("s1", line("5-0"), "")), list{"5-0"});
}
