#include "core/common/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace unknot::core {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::InvalidField("n", "must be even");
  return n / 2;
}

Result<int> Quarter(int n) {
  int half = UNKNOT_TRY(Half(n));
  return UNKNOT_TRY(Half(half));
}

Result<void> CheckEven(int n) {
  UNKNOT_TRY(Half(n));
  return Ok();
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = Half(8);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().fields(), (std::vector<FieldError>{{"n", "must be even"}}));
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, TryPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> failed = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "n: must be even");
  EXPECT_TRUE(CheckEven(2));
  EXPECT_FALSE(CheckEven(1));
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, WithContextKeepsCodeAndFields) {
  Error e = Error::InvalidField("slug", "must not be empty").WithContext("clinic");
  EXPECT_EQ(e.message(), "clinic: slug: must not be empty");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.fields().size(), 1u);
  EXPECT_EQ(ToString(ErrorCode::kNotFound), "not_found");
}

}  // namespace
}  // namespace unknot::core
