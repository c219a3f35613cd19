// The direct JSON writer against protobuf's own printer: for every server frame and report, filled
// at random, both texts parse back to the message that was written.
#include "json_writer.hpp"

#include <hotline/gateway/frame_codec.hpp>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>

using namespace hotline;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

// Strings with what JSON must escape, multi-byte UTF-8, and plain text.
std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces{"a", "Z", "9", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f",
                                               "<", "&", "律师", "é", "😀", "{}", "[", ":", ","};
  std::string out;
  const int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) out += pieces[rng() % pieces.size()];
  return out;
}

void fill(Message& message, std::mt19937& rng, int depth);

void set_one(Message& m, const FieldDescriptor& f, std::mt19937& rng, int depth) {
  const auto& r = *m.GetReflection();
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      const std::int32_t v = static_cast<std::int32_t>(rng()) >> (rng() % 31);
      rep ? r.AddInt32(&m, &f, v) : r.SetInt32(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const std::uint32_t v = rng() >> (rng() % 32);
      rep ? r.AddUInt32(&m, &f, v) : r.SetUInt32(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const std::int64_t v = (static_cast<std::int64_t>(rng()) << 31 ^ rng()) * (rng() % 2 ? 1 : -1);
      rep ? r.AddInt64(&m, &f, v) : r.SetInt64(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const std::uint64_t v = static_cast<std::uint64_t>(rng()) << 32 | rng();
      rep ? r.AddUInt64(&m, &f, v) : r.SetUInt64(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = std::ldexp(static_cast<double>(rng()), -static_cast<int>(rng() % 40));
      rep ? r.AddDouble(&m, &f, v) : r.SetDouble(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const float v = static_cast<float>(rng() % 1000) / 8.0f;
      rep ? r.AddFloat(&m, &f, v) : r.SetFloat(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      rep ? r.AddBool(&m, &f, rng() % 2) : r.SetBool(&m, &f, rng() % 2);
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f.enum_type();
      const int v = e->value(static_cast<int>(rng() % e->value_count()))->number();
      rep ? r.AddEnumValue(&m, &f, v) : r.SetEnumValue(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = random_text(rng);
      if (f.type() == FieldDescriptor::TYPE_BYTES)
        for (auto& c : v) c = static_cast<char>(rng());
      rep ? r.AddString(&m, &f, v) : r.SetString(&m, &f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      fill(rep ? *r.AddMessage(&m, &f) : *r.MutableMessage(&m, &f), rng, depth + 1);
      break;
  }
}

// Every field at random: set or not (so that presence shows), repeated ones 0–3 times, one
// member of each oneof.
void fill(Message& message, std::mt19937& rng, int depth) {
  const auto& d = *message.GetDescriptor();
  for (int i = 0; i < d.field_count(); ++i) {
    const auto& f = *d.field(i);
    if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth >= 3) continue;
    if (rng() % 3 == 0) continue;
    if (f.is_repeated()) {
      // A map holds each key once (entries added by reflection could repeat one): at most one here.
      const int n = static_cast<int>(rng() % (f.is_map() ? 2 : 4));
      for (int k = 0; k < n; ++k) set_one(message, f, rng, depth);
    } else {
      set_one(message, f, rng, depth);  // a later oneof member replaces an earlier one
    }
  }
}

std::unique_ptr<Message> parsed(const Message& prototype, const std::string& json) {
  std::unique_ptr<Message> out(prototype.New());
  const auto status = google::protobuf::util::JsonStringToMessage(json, out.get());
  EXPECT_TRUE(status.ok()) << status.message() << "\n" << json;
  return out;
}

template <class Frame>
void check_random(int rounds, unsigned seed) {
  std::mt19937 rng(seed);
  for (int round = 0; round < rounds; ++round) {
    Frame frame;
    fill(frame, rng, 0);
    const auto ours = gateway::encode_frame(frame, gateway::frame_encoding::json);
    std::string reference;
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(frame, &reference, options).ok());
    auto from_ours = parsed(frame, ours);
    auto from_reference = parsed(frame, reference);
    // Maps compare as maps: their entries may come out in any order.
    google::protobuf::util::MessageDifferencer same;
    same.set_repeated_field_comparison(google::protobuf::util::MessageDifferencer::AS_LIST);
    std::string difference;
    same.ReportDifferencesToString(&difference);
    EXPECT_TRUE(same.Compare(*from_reference, *from_ours)) << difference << "\nours: " << ours << "\nprotobuf: " << reference;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(frame, *from_ours)) << ours;
  }
}

}  // namespace

TEST(JsonWriter, CallerFramesReadBackAsProtobufsOwn) { check_random<v1::CallerServerFrame>(300, 1); }
TEST(JsonWriter, LawyerFramesReadBackAsProtobufsOwn) { check_random<v1::AgentServerFrame>(300, 2); }
TEST(JsonWriter, WallboardAndListenFramesReadBackAsProtobufsOwn) {
  check_random<v1::WallboardServerFrame>(200, 3);
  check_random<v1::ListenServerFrame>(200, 4);
}
TEST(JsonWriter, ReportsAndSnapshotsReadBackAsProtobufsOwn) {
  check_random<v1::SummaryReport>(100, 5);
  check_random<v1::QueueSnapshot>(100, 6);
}

TEST(JsonWriter, PrintsEveryPrimitiveFieldAndOnlySetOptionalOnes) {
  v1::CallerServerFrame frame;
  frame.mutable_session()->set_session_id("s1");
  const auto json = gateway::encode_frame(frame, gateway::frame_encoding::json);
  EXPECT_NE(json.find(R"("requestId":"")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("position":0)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("enqueuedAtMs":"0")"), std::string::npos) << "64-bit integers are strings: " << json;
  EXPECT_NE(json.find(R"("state":"SESSION_STATE_UNSPECIFIED")"), std::string::npos) << json;
  EXPECT_EQ(json.find("chat"), std::string::npos) << "an unset oneof member is left out: " << json;
}
