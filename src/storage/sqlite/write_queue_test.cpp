#include "storage/sqlite/write_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

TEST(WriteQueueTest, AFailedWriteRollsBackAloneAndTheOthersCommit) {
  testing::TempDir dir;
  std::string path = dir.File("q.db");
  {
    Connection setup = Connection::Open(path, Connection::OpenMode::kReadWriteCreate).value();
    ASSERT_TRUE(setup.Exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)"));
  }
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
  constexpr int kWriters = 32;
  std::vector<std::thread> threads;
  std::vector<int> ok(kWriters, -1);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      auto result = queue.Write<int>([i](Connection& db) -> core::Result<int> {
        auto insert = db.Prepare("INSERT INTO t VALUES (?1)").value();
        insert.Bind(1, std::int64_t{i});
        UNKNOT_TRY(insert.Run());
        if (i % 2 == 1) return core::Error(core::ErrorCode::kConflict, "odd writers fail");
        return i;
      });
      ok[static_cast<std::size_t>(i)] = result ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kWriters; ++i) EXPECT_EQ(ok[static_cast<std::size_t>(i)], i % 2 == 0 ? 1 : 0);

  Connection check = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  EXPECT_EQ(*check.QueryInt("SELECT count(*) FROM t"), kWriters / 2);
  EXPECT_EQ(*check.QueryInt("SELECT count(*) FROM t WHERE x % 2 = 1"), 0);
  WriteQueue::Stats stats = queue.stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kWriters));
  EXPECT_GE(stats.transactions, 1u);
  EXPECT_LE(stats.transactions, stats.jobs);
}

}  // namespace
}  // namespace unknot::storage::sqlite
