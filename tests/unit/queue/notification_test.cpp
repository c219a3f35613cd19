// Pub/sub payloads as the scripts publish them → notifications.
#include <hotline/queue/engine.hpp>

#include <gtest/gtest.h>

using namespace hotline;
using queue::engine;
using queue::notification;

namespace {

// MessagePack as Redis's cmsgpack writes it (queue/lua/_lib.lua publish): strings and arrays.
struct encoded {
  std::string bytes;
  encoded(const char* s) : encoded(std::string(s)) {}
  encoded(const std::string& s) {
    header(0xa0, 32, 0xda, s.size());
    bytes += s;
  }
  encoded(std::initializer_list<encoded> items) {
    header(0x90, 16, 0xdc, items.size());
    for (const auto& item : items) bytes += item.bytes;
  }
  // A fix-size tag below `fix_limit`, else the 16-bit form.
  void header(unsigned fix_tag, std::size_t fix_limit, unsigned tag16, std::size_t size) {
    if (size < fix_limit) {
      bytes += static_cast<char>(fix_tag | size);
      return;
    }
    bytes += static_cast<char>(tag16);
    bytes += static_cast<char>(size >> 8);
    bytes += static_cast<char>(size & 0xff);
  }
};

std::string chat_payload(std::initializer_list<encoded> fields) { return "c:" + encoded(fields).bytes; }

}  // namespace

TEST(Notification, QueueAndTicketHintsNameWhatChanged) {
  auto line = engine::parse_notification("q:17:consult.marriage:zh");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->what, notification::kind::queue);
  EXPECT_EQ(line->id, "consult.marriage:zh");
  EXPECT_EQ(line->rank, 17) << "the first place the change moved";
  EXPECT_EQ(engine::parse_notification("q:consult.marriage:zh")->rank, 0) << "no rank: the whole line";
  auto ticket = engine::parse_notification("t:ts1234");
  ASSERT_TRUE(ticket);
  EXPECT_EQ(ticket->what, notification::kind::ticket);
  EXPECT_EQ(ticket->id, "ts1234");
  EXPECT_FALSE(engine::parse_notification("x:1"));
  EXPECT_FALSE(engine::parse_notification("s:s1234")) << "sessions come with their state, never as a bare id";
}

TEST(Notification, ASessionComesWithItsStateAndTheRequestItAnswers) {
  auto pushed = engine::parse_notification(
      "S:" + encoded({"s42", "lawyer1", "c:s42:r3",
                      {"id", "s42", "state", "CONNECTED", "lawyer", "lawyer1", "v", "7", "position", "0", "wo_note",
                       "一段超过三十二个字节的备注，冒号:和\n换行都在里面"}})
                 .bytes);
  ASSERT_TRUE(pushed);
  EXPECT_EQ(pushed->what, notification::kind::session);
  EXPECT_EQ(pushed->id, "s42");
  EXPECT_EQ(pushed->request_id, "c:s42:r3");
  ASSERT_TRUE(pushed->session);
  EXPECT_EQ(pushed->session->state, v1::CONNECTED);
  EXPECT_EQ(pushed->session->lawyer_id, "lawyer1");
  EXPECT_EQ(pushed->session->version, 7);
  EXPECT_FALSE(engine::parse_notification("S:" + encoded({"s42", "", "", {}}).bytes)) << "no such session";
  const auto payload = "S:" + encoded({"s42", "lawyer1", "", {"id", "s42"}}).bytes;
  auto to = engine::address_of(payload);  // views of the payload
  ASSERT_TRUE(to);
  EXPECT_EQ(to->what, notification::kind::session);
  EXPECT_EQ(to->id, "s42");
  EXPECT_EQ(to->lawyer, "lawyer1");
}

TEST(Notification, ALawyerComesWithTheirOfferAndSessions) {
  encoded offer{"id", "s1", "state", "OFFERED", "offered_to", "lawyer1", "offer_id", "s1.1"};
  encoded open{"id", "s2", "state", "WRAP_UP", "lawyer", "lawyer1"};
  auto pushed = engine::parse_notification(
      "A:" + encoded({"lawyer1", "", {{"id", "lawyer1", "status", "AVAILABLE", "load", "1", "v", "12"}, offer, {open}}})
                 .bytes);
  ASSERT_TRUE(pushed);
  EXPECT_EQ(pushed->what, notification::kind::agent);
  EXPECT_EQ(pushed->id, "lawyer1");
  ASSERT_TRUE(pushed->agent);
  EXPECT_EQ(pushed->agent->status, v1::AVAILABLE);
  EXPECT_EQ(pushed->agent->version, 12);
  ASSERT_TRUE(pushed->agent->offer);
  EXPECT_EQ(pushed->agent->offer->offer_id, "s1.1");
  ASSERT_EQ(pushed->agent->sessions.size(), 1u);
  EXPECT_EQ(pushed->agent->sessions[0].state, v1::WRAP_UP);
  // Never on duty: no hash, yet the id still says whose state it is.
  auto fresh =
      engine::parse_notification("A:" + encoded({"lawyer2", "a:lawyer2:r1", {{"phone_registered", "1"}, {}, {}}}).bytes);
  const auto lawyer_payload = "A:" + encoded({"lawyer2", "", {}}).bytes;
  EXPECT_EQ(engine::address_of(lawyer_payload)->id, "lawyer2");
  EXPECT_FALSE(engine::address_of("q:0:consult.marriage:zh")) << "only states have addressees";
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->agent->id, "lawyer2");
  EXPECT_TRUE(fresh->agent->phone_registered);
  EXPECT_EQ(fresh->request_id, "a:lawyer2:r1");
}

TEST(Notification, AChatLineCarriesItselfWhateverItsText) {
  const std::string text = "第一行\n2:3:还有冒号";  // newlines and colons stay inside their field
  auto hint = engine::parse_notification(
      chat_payload({"s42", "lawyer1", "a:lawyer1:r7", "1764561645123-0", "lawyer", "1764561645123", "张律师", text}));
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->what, notification::kind::chat);
  EXPECT_EQ(hint->id, "s42");
  ASSERT_TRUE(hint->line);
  EXPECT_EQ(hint->line->session_id, "s42");
  EXPECT_EQ(hint->line->lawyer_id, "lawyer1");
  EXPECT_EQ(hint->line->request_id, "a:lawyer1:r7");
  EXPECT_EQ(hint->line->entry.id, "1764561645123-0");
  EXPECT_EQ(hint->line->entry.from, v1::LAWYER);
  EXPECT_EQ(hint->line->entry.sent_ms, 1764561645123);
  EXPECT_EQ(hint->line->entry.sender_name, "张律师");
  EXPECT_EQ(hint->line->entry.text, text);
}

TEST(Notification, ABrokenChatLineIsIgnored) {
  auto whole = chat_payload({"s42", "", "", "1-0", "caller", "1", "", "hi"});
  ASSERT_TRUE(engine::parse_notification(whole));
  EXPECT_FALSE(engine::parse_notification(whole.substr(0, whole.size() - 1))) << "truncated";
  EXPECT_FALSE(engine::parse_notification(whole + "x")) << "trailing bytes";
  EXPECT_FALSE(engine::parse_notification(std::string("c:\xdb\xff\xff\xff\xff", 7))) << "absurd length";
  EXPECT_FALSE(engine::parse_notification(std::string("c:\xdd\x00\x0f\xff\xff\xa1x", 9))) << "absurd count";
  EXPECT_FALSE(engine::parse_notification("c:\xc1")) << "a tag MessagePack never uses";
  std::string deep = "\xa1x";
  for (int i = 0; i < 100; ++i) deep = "\x91" + deep;
  EXPECT_FALSE(engine::parse_notification("S:" + deep)) << "nesting past any state we publish";
}
