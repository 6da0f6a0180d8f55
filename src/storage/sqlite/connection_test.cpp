#include "storage/sqlite/connection.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

TEST(ConnectionTest, CachedStatementsAreResetBetweenUses) {
  testing::TempDir dir;
  Connection db =
      Connection::Open(dir.File("c.db"), Connection::OpenMode::kReadWriteCreate).value();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)"));
  constexpr std::string_view kSql = "SELECT x FROM t WHERE x >= ?1 ORDER BY x";
  {
    Statement first = db.PrepareCached(kSql).value();
    first.Bind(1, std::int64_t{2});
    ASSERT_TRUE(*first.Step());
    EXPECT_EQ(first.Int(0), 2);
    // Left mid-way on purpose: the next use must start from the top with fresh bindings.
  }
  Statement second = db.PrepareCached(kSql).value();
  second.Bind(1, std::int64_t{1});
  std::vector<std::int64_t> seen;
  while (*second.Step()) seen.push_back(second.Int(0));
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(ConnectionTest, ErrorsAreValuesWithCodes) {
  testing::TempDir dir;
  Connection db =
      Connection::Open(dir.File("c.db"), Connection::OpenMode::kReadWriteCreate).value();
  auto bad = db.Prepare("SELEKT 1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), core::ErrorCode::kInternal);
  ASSERT_TRUE(db.Exec("CREATE TABLE u (x INTEGER UNIQUE); INSERT INTO u VALUES (1)"));
  auto duplicate = db.Exec("INSERT INTO u VALUES (1)");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code(), core::ErrorCode::kConflict);
  auto missing = Connection::Open(dir.File("no/such/dir.db"), Connection::OpenMode::kReadWrite);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace unknot::storage::sqlite
