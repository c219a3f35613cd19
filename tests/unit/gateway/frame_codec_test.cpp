// Frames in both encodings: the JSON mapping and protobuf binary carry the same message.
#include <hotline/gateway/frame_codec.hpp>

#include <gtest/gtest.h>

using namespace hotline;
using gateway::decode_frame;
using gateway::encode_frame;
using gateway::frame_encoding;

TEST(FrameCodec, JsonCallerStart) {
  v1::CallerFrame frame;
  std::string error;
  ASSERT_TRUE(
      decode_frame(R"({"requestId":"r1","start":{"category":"consult.marriage","language":"zh","priority":"ELDERLY"}})",
                   frame_encoding::json, frame, error))
      << error;
  EXPECT_EQ(frame.request_id(), "r1");
  ASSERT_EQ(frame.frame_case(), v1::CallerFrame::kStart);
  EXPECT_EQ(frame.start().category(), "consult.marriage");
  EXPECT_EQ(frame.start().priority(), v1::ELDERLY);
}

TEST(FrameCodec, BinaryAndJsonAgree) {
  v1::AgentFrame frame;
  frame.set_request_id("x");
  auto* w = frame.mutable_wrap_up();
  w->set_session_id("s1");
  w->set_type(v1::COMPLAINT);
  w->set_outcome(v1::LEGAL_AID);
  w->set_note("转法律援助中心");
  const auto binary = encode_frame(frame, frame_encoding::binary);
  const auto json = encode_frame(frame, frame_encoding::json);
  v1::AgentFrame from_binary, from_json;
  std::string error;
  ASSERT_TRUE(decode_frame(binary, frame_encoding::binary, from_binary, error)) << error;
  ASSERT_TRUE(decode_frame(json, frame_encoding::json, from_json, error)) << error;
  EXPECT_EQ(from_binary.SerializeAsString(), frame.SerializeAsString());
  EXPECT_EQ(from_json.SerializeAsString(), frame.SerializeAsString());
  EXPECT_NE(json.find("\"wrapUp\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"type\":\"COMPLAINT\""), std::string::npos) << json;
}

TEST(FrameCodec, ServerFramesPrintZerosAndInt64AsStrings) {
  v1::CallerServerFrame frame;
  frame.mutable_session()->set_session_id("s1");
  frame.mutable_session()->set_state(v1::QUEUED);
  frame.mutable_session()->set_enqueued_at_ms(1796140800000);
  const auto json = encode_frame(frame, frame_encoding::json);
  EXPECT_NE(json.find("\"position\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"state\":\"QUEUED\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"enqueuedAtMs\":\"1796140800000\""), std::string::npos) << json;
}

TEST(FrameCodec, BadFramesAreRefusedWithAReason) {
  v1::CallerFrame frame;
  std::string error;
  EXPECT_FALSE(decode_frame("{not json", frame_encoding::json, frame, error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(decode_frame(R"({"start":{"categori":"x"}})", frame_encoding::json, frame, error));
  EXPECT_FALSE(decode_frame(R"({"rate":{"rating":"VERY_GOOD"}})", frame_encoding::json, frame, error));
  EXPECT_FALSE(decode_frame(R"({"chat":{"text":5}})", frame_encoding::json, frame, error));
  EXPECT_FALSE(decode_frame("{\"chat\":{\"text\":\"\xff\xfe\"}}", frame_encoding::json, frame, error));
  EXPECT_FALSE(decode_frame("\x0a\x05\xff\xff\xff\xff\xff", frame_encoding::binary, frame, error));
  // A valid binary message with a field this schema does not have.
  EXPECT_FALSE(decode_frame(std::string("\xa0\x06\x01", 3), frame_encoding::binary, frame, error));
}

TEST(FrameCodec, Utf8Validation) {
  EXPECT_TRUE(gateway::valid_utf8("婚姻家庭 abc"));
  EXPECT_FALSE(gateway::valid_utf8("\xc0\xaf"));         // overlong '/'
  EXPECT_FALSE(gateway::valid_utf8("\xed\xa0\x80"));     // surrogate
  EXPECT_FALSE(gateway::valid_utf8("\xe5\xa9"));         // truncated
  EXPECT_TRUE(gateway::valid_utf8("\xf0\x9f\x98\x80"));  // emoji
}
