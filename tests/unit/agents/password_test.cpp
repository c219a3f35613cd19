// argon2id hashes and generated passwords.
#include <hotline/agents/password.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace hotline::agents;

TEST(Password, HashVerifiesAndIsSalted) {
  const auto a = hash_password("correct horse battery");
  const auto b = hash_password("correct horse battery");
  EXPECT_TRUE(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password("correct horse battery", a));
  EXPECT_FALSE(verify_password("correct horse batterx", a));
}

TEST(Password, MalformedHashesNeverVerify) {
  EXPECT_FALSE(verify_password("x", ""));
  EXPECT_FALSE(verify_password("x", "$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$aGFzaA"));
  EXPECT_FALSE(verify_password("x", "$argon2id$garbage"));
}

TEST(Password, GeneratedPasswordsAreLongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto p = generate_password();
    EXPECT_EQ(p.size(), 16u);
    EXPECT_EQ(p.find_first_of("0O1lI"), std::string::npos) << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}
