// Pub/sub payloads as the scripts publish them → notifications.
#include <hotline/queue/engine.hpp>

#include <gtest/gtest.h>

using namespace hotline;
using queue::engine;
using queue::notification;

namespace {

// What queue/lua/chat.lua publishes: "c:" and "<length>:<bytes>" fields.
std::string chat_payload(const std::vector<std::string>& fields) {
  std::string out = "c:";
  for (const auto& f : fields) out += std::to_string(f.size()) + ":" + f;
  return out;
}

}  // namespace

TEST(Notification, HintsNameWhatChanged) {
  auto session = engine::parse_notification("s:s1234");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->what, notification::kind::session);
  EXPECT_EQ(session->id, "s1234");
  EXPECT_FALSE(session->line);
  auto line = engine::parse_notification("q:17:consult.marriage:zh");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->what, notification::kind::queue);
  EXPECT_EQ(line->id, "consult.marriage:zh");
  EXPECT_EQ(line->rank, 17) << "the first place the change moved";
  EXPECT_EQ(engine::parse_notification("q:consult.marriage:zh")->rank, 0) << "no rank: the whole line";
  EXPECT_FALSE(engine::parse_notification("x:1"));
  EXPECT_FALSE(engine::parse_notification("s:"));
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
  EXPECT_FALSE(engine::parse_notification("c:99999999999999999999:x")) << "absurd length";
  EXPECT_FALSE(engine::parse_notification("c:3x:abc"));
}
