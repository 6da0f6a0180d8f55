#include "core/staff/password_policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace unknot::core::staff {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const CommonPasswords& Common() {
  static const CommonPasswords list = CommonPasswords::FromText(
      "# a comment\n"
      "password1234\n"
      "\n"
      "QwertyUiop12\r\n"
      "iloveyou1234");
  return list;
}

std::vector<PasswordProblem> Problems(std::string_view password,
                                      std::string_view email = "jane.doe@example.org") {
  std::vector<PasswordProblem> out;
  for (const auto& refusal : FindPasswordProblems(password, email, Common())) {
    out.push_back(refusal.problem);
  }
  return out;
}

TEST(CommonPasswordsTest, ReadsOneLowerCaseEntryALineSkippingCommentsAndBlanks) {
  EXPECT_EQ(Common().size(), 3u);
  EXPECT_TRUE(Common().Contains("password1234"));
  EXPECT_TRUE(Common().Contains("qwertyuiop12"));  // stored lower case, '\r' dropped
  EXPECT_TRUE(Common().Contains("iloveyou1234"));  // last line without '\n'
  EXPECT_FALSE(Common().Contains("# a comment"));
  EXPECT_FALSE(Common().Contains(""));
  EXPECT_EQ(CommonPasswords::FromText("").size(), 0u);
}

TEST(CommonPasswordsTest, ComparesCaseInsensitively) {
  EXPECT_TRUE(Common().Contains("PASSWORD1234"));
  EXPECT_TRUE(Common().Contains("PassWord1234"));
  EXPECT_FALSE(Common().Contains("password12345"));
}

TEST(CountCodePointsTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xC3\xA9t\xC3\xA9"), 3u);         // "été": 5 bytes
  EXPECT_EQ(CountCodePoints("\xE6\x97\xA5\xE6\x9C\xAC"), 2u);  // "日本": 6 bytes
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x94\x91"), 1u);          // U+1F511 key emoji: 4 bytes
}

TEST(CountCodePointsTest, RefusesInvalidUtf8) {
  EXPECT_EQ(CountCodePoints("\x80"), std::nullopt);              // lone continuation byte
  EXPECT_EQ(CountCodePoints("\xC3"), std::nullopt);              // cut short
  EXPECT_EQ(CountCodePoints("\xC3("), std::nullopt);             // bad continuation
  EXPECT_EQ(CountCodePoints("\xC0\xAF"), std::nullopt);          // overlong '/'
  EXPECT_EQ(CountCodePoints("\xED\xA0\x80"), std::nullopt);      // surrogate U+D800
  EXPECT_EQ(CountCodePoints("\xF4\x90\x80\x80"), std::nullopt);  // U+110000
  EXPECT_EQ(CountCodePoints("\xFF"), std::nullopt);
}

TEST(PasswordPolicyTest, AcceptsALongUncommonPasswordWithoutTheEmailName) {
  EXPECT_THAT(Problems("correct horse battery staple"), IsEmpty());
  EXPECT_THAT(Problems("twelve chars"), IsEmpty());  // exactly 12
  EXPECT_TRUE(CheckNewPassword("correct horse battery staple", "jane@x.org", Common()));
}

TEST(PasswordPolicyTest, RefusesFewerThanTwelveCharactersCountingCodePoints) {
  EXPECT_THAT(Problems("eleven char"), ElementsAre(PasswordProblem::kTooShort));
  EXPECT_THAT(Problems(""), ElementsAre(PasswordProblem::kTooShort));
  // 11 characters but 22 bytes: still too short.
  EXPECT_THAT(Problems("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                       "\xC3\xA9\xC3\xA9"),
              ElementsAre(PasswordProblem::kTooShort));
  // 12 characters in 24 bytes: long enough.
  EXPECT_THAT(Problems("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                       "\xC3\xA9\xC3\xA9\xC3\xA9"),
              IsEmpty());
  const auto refusals = FindPasswordProblems("short", "", Common());
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_THAT(refusals[0].reason, HasSubstr("at least 12 characters"));
  EXPECT_THAT(refusals[0].reason, HasSubstr("has 5"));
}

TEST(PasswordPolicyTest, RefusesMoreThanTheMaximum) {
  EXPECT_THAT(Problems(std::string(kMaxPasswordCharacters, 'x')), IsEmpty());
  EXPECT_THAT(Problems(std::string(kMaxPasswordCharacters + 1, 'x')),
              ElementsAre(PasswordProblem::kTooLong));
}

TEST(PasswordPolicyTest, RefusesACommonPasswordWhateverItsCase) {
  EXPECT_THAT(Problems("Password1234"), ElementsAre(PasswordProblem::kCommon));
  EXPECT_THAT(Problems("QWERTYUIOP12"), ElementsAre(PasswordProblem::kCommon));
  const auto refusals = FindPasswordProblems("iloveyou1234", "", Common());
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_THAT(refusals[0].reason, HasSubstr("most common passwords"));
}

TEST(PasswordPolicyTest, RefusesAPasswordContainingTheEmailName) {
  EXPECT_THAT(Problems("my name is Jane.Doe!", "jane.doe@example.org"),
              ElementsAre(PasswordProblem::kContainsEmailName));
  // The name before a '+' tag counts too.
  EXPECT_THAT(Problems("frontdesk janedoe 2026", "janedoe+desk@example.org"),
              ElementsAre(PasswordProblem::kContainsEmailName));
  // Only the part before the '@': the domain is not a secret either, but it is not a name.
  EXPECT_THAT(Problems("example.org is my clinic", "jane@example.org"), IsEmpty());
  // A very short email name is not checked: "al" would refuse half the dictionary.
  EXPECT_THAT(Problems("always a long phrase", "al@example.org"), IsEmpty());
  // No email yet (or a malformed one): nothing to compare.
  EXPECT_THAT(Problems("jane.doe long phrase", ""), IsEmpty());
  const auto refusals = FindPasswordProblems("xxjane.doexxxx", "Jane.Doe@example.org", Common());
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_THAT(refusals[0].reason, HasSubstr("\"jane.doe\""));
}

TEST(PasswordPolicyTest, RefusesControlCharactersAndInvalidUtf8) {
  EXPECT_THAT(Problems("a long phrase\twith a tab"), ElementsAre(PasswordProblem::kNotText));
  EXPECT_THAT(Problems("a long phrase\n"), ElementsAre(PasswordProblem::kNotText));
  EXPECT_THAT(Problems("a long phrase \xFF\xFE"), ElementsAre(PasswordProblem::kNotText));
}

TEST(PasswordPolicyTest, ReportsEveryRuleBrokenAsFieldErrors) {
  const auto result = CheckNewPassword("Jane1", "jane1@example.org", Common(), "new_password");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().fields(), ElementsAre(Field(&FieldError::field, "new_password"),
                                                   Field(&FieldError::field, "new_password")));
  EXPECT_THAT(result.error().message(), HasSubstr("too short"));
  EXPECT_THAT(result.error().message(), HasSubstr("email"));
}

RC_GTEST_PROP(PasswordPolicyProperties, LengthRuleFollowsTheCodePointCount, ()) {
  // Characters of 1 to 4 bytes, so byte and character counts differ.
  const auto pieces = *rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
      "a", "Z", "7", " ", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x94\x91"));
  std::string password;
  for (const auto& piece : pieces) password += piece;
  RC_ASSERT(CountCodePoints(password) == pieces.size());
  const auto problems = Problems(password, "");
  const bool too_short =
      std::find(problems.begin(), problems.end(), PasswordProblem::kTooShort) != problems.end();
  RC_ASSERT(too_short == (pieces.size() < kMinPasswordCharacters));
}

}  // namespace
}  // namespace unknot::core::staff
