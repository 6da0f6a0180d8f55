#include "storage/sqlite/write_queue.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

// A WAL database in `dir` with one table, t (x INTEGER); its path.
std::string TableT(testing::TempDir& dir) {
  std::string path = dir.File("q.db");
  Connection setup = Connection::Open(path, Connection::OpenMode::kReadWriteCreate).value();
  EXPECT_TRUE(setup.Exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)"));
  return path;
}

// A write: one row into t.
core::Result<int> InsertOne(Connection& db) {
  UNKNOT_TRY(db.Exec("INSERT INTO t VALUES (1)"));
  return 1;
}

TEST(WriteQueueTest, AFailedWriteRollsBackAloneAndTheOthersCommit) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
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

TEST(WriteQueueTest, RelaxedCommitsAreSyncedSoonAndLeaveTheConnectionAtFull) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  Connection writer = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  ASSERT_TRUE(writer.Exec("PRAGMA synchronous = FULL"));
  WriteQueue queue(std::move(writer));
  auto insert = [](std::int64_t x) {
    return [x](Connection& db) -> core::Result<int> {
      auto statement = db.Prepare("INSERT INTO t VALUES (?1)").value();
      statement.Bind(1, x);
      UNKNOT_TRY(statement.Run());
      auto level = db.QueryInt("PRAGMA synchronous");  // 1 NORMAL, 2 FULL
      if (!level) return level.error();
      return static_cast<int>(*level);
    };
  };
  // A relaxed write commits at NORMAL and is seen by readers at once.
  EXPECT_EQ(*queue.Write<int>(insert(1), Durability::kRelaxed), 1);
  Connection reader = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  EXPECT_EQ(*reader.QueryInt("SELECT count(*) FROM t"), 1);
  // The next write asking nothing special is FULL again.
  EXPECT_EQ(*queue.Write<int>(insert(2)), 2);
  EXPECT_EQ(queue.stats().relaxed_transactions, 1u);
  // A relaxed commit with nothing after it is synced by a checkpoint within the delay.
  const auto syncs_before = queue.stats().relaxed_syncs;
  EXPECT_EQ(*queue.Write<int>(insert(3), Durability::kRelaxed), 1);
  for (int i = 0; i < 100 && queue.stats().relaxed_syncs == syncs_before; ++i) {
    std::this_thread::sleep_for(kRelaxedSyncDelay / 10);
  }
  EXPECT_EQ(queue.stats().relaxed_syncs, syncs_before + 1);
  EXPECT_EQ(*reader.QueryInt("SELECT count(*) FROM t"), 3);
}

TEST(WriteQueueTest, AWriteThatFindsTheConnectionIdleRunsOnItsCallersThread) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
  for (int i = 0; i < 3; ++i) {
    auto ran_on = queue.Write<std::thread::id>(
        [](Connection& db) -> core::Result<std::thread::id> {
          UNKNOT_TRY(db.Exec("INSERT INTO t VALUES (1)"));
          return std::this_thread::get_id();
        },
        i == 1 ? Durability::kRelaxed : Durability::kFull);
    ASSERT_TRUE(ran_on);
    EXPECT_EQ(*ran_on, std::this_thread::get_id());
  }
  EXPECT_EQ(queue.stats().jobs, 3u);
  EXPECT_EQ(queue.stats().transactions, 3u);
}

TEST(WriteQueueTest, AThrowingWriteIsRolledBackAloneAsAnInternalError) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
  auto thrown = queue.Write<int>([](Connection& db) -> core::Result<int> {
    UNKNOT_TRY(db.Exec("INSERT INTO t VALUES (1)"));
    throw std::runtime_error("a bug in a write");
  });
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().code(), core::ErrorCode::kInternal);
  auto next = queue.Write<int>([](Connection& db) -> core::Result<int> {
    UNKNOT_TRY(db.Exec("INSERT INTO t VALUES (2)"));
    return 2;
  });
  ASSERT_TRUE(next);
  Connection check = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  EXPECT_EQ(*check.QueryInt("SELECT count(*) FROM t"), 1);  // the thrown write's row is gone
  EXPECT_EQ(*check.QueryInt("SELECT max(x) FROM t"), 2);
}

TEST(WriteQueueTest, ManyWritersOfBothDurabilitiesAllCommitAndNoneIsLost) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  constexpr int kThreads = 16;
  constexpr int kWrites = 40;
  {
    WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kWrites; ++i) {
          auto written = queue.Write<int>(
              [&](Connection& db) -> core::Result<int> {
                auto insert = db.Prepare("INSERT INTO t VALUES (?1)").value();
                insert.Bind(1, std::int64_t{t * kWrites + i});
                UNKNOT_TRY(insert.Run());
                return i;
              },
              (t + i) % 3 == 0 ? Durability::kFull : Durability::kRelaxed);
          if (!written) failed.fetch_add(1);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failed.load(), 0);
    WriteQueue::Stats stats = queue.stats();
    EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kThreads * kWrites));
    EXPECT_LE(stats.transactions, stats.jobs);
  }  // the queue's end syncs what relaxed commits left
  Connection check = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  EXPECT_EQ(*check.QueryInt("SELECT count(DISTINCT x) FROM t"), kThreads * kWrites);
}

TEST(WriteQueueTest, OnlyWritesThatTouchTheScheduleRaiseTheScheduleCount) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
  ASSERT_TRUE(queue.Write<int>(InsertOne, Durability::kRelaxed, Touches::kNotTheSchedule));
  ASSERT_TRUE(queue.Write<int>(InsertOne, Durability::kFull, Touches::kNotTheSchedule));
  EXPECT_EQ(queue.stats().transactions, 2u);
  EXPECT_EQ(queue.stats().schedule_transactions, 0u);
  ASSERT_TRUE(queue.Write<int>(InsertOne));  // by default a write may touch the schedule
  EXPECT_EQ(queue.stats().schedule_transactions, 1u);
}

TEST(WriteQueueTest, AReadOnTheIdleWriteConnectionRunsOnItsCallersThreadAndSeesTheLastCommit) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());
  sqlite3* written_with = nullptr;
  ASSERT_TRUE(queue.Write<int>([&](Connection& db) -> core::Result<int> {
    written_with = db.raw();
    UNKNOT_TRY(db.Exec("INSERT INTO t VALUES (7)"));
    return 1;
  }));
  auto read = queue.TryRead([&](Connection& db) -> core::Result<std::int64_t> {
    EXPECT_EQ(db.raw(), written_with);
    EXPECT_NE(sqlite3_get_autocommit(db.raw()), 0);  // no write's transaction is open around it
    return db.QueryInt("SELECT sum(x) FROM t");
  });
  ASSERT_TRUE(read.has_value());
  ASSERT_TRUE(*read);
  EXPECT_EQ(**read, 7);
  // A read is not a write: nothing committed, nothing counted.
  EXPECT_EQ(queue.stats().transactions, 1u);
  EXPECT_EQ(queue.stats().jobs, 1u);
  // And the connection is free for the next write.
  ASSERT_TRUE(queue.Write<int>(InsertOne));
  EXPECT_EQ(queue.stats().transactions, 2u);
}

TEST(WriteQueueTest, AReadIsRefusedWhileAWriteRunsAndAWriteArrivingDuringAReadRunsAfterIt) {
  testing::TempDir dir;
  const std::string path = TableT(dir);
  WriteQueue queue(Connection::Open(path, Connection::OpenMode::kReadWrite).value());

  // While a write holds the connection, a read is not run (the caller reads elsewhere).
  std::atomic<bool> writing{false};
  std::atomic<bool> release{false};
  std::thread writer([&] {
    EXPECT_TRUE(queue.Write<int>([&](Connection& db) -> core::Result<int> {
      writing = true;
      while (!release) std::this_thread::yield();
      return InsertOne(db);
    }));
  });
  while (!writing) std::this_thread::yield();
  bool ran = false;
  auto refused = queue.TryRead([&](Connection&) -> core::Result<int> {
    ran = true;
    return 0;
  });
  EXPECT_FALSE(refused.has_value());
  EXPECT_FALSE(ran);
  release = true;
  writer.join();

  // A write that arrives while a read holds the connection waits for it, then commits.
  std::thread late;
  auto read = queue.TryRead([&](Connection& db) -> core::Result<std::int64_t> {
    late = std::thread([&] { EXPECT_TRUE(queue.Write<int>(InsertOne)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return db.QueryInt("SELECT count(*) FROM t");
  });
  late.join();
  ASSERT_TRUE(read.has_value() && *read);
  EXPECT_EQ(**read, 1);  // the late write had not run
  Connection check = Connection::Open(path, Connection::OpenMode::kReadWrite).value();
  EXPECT_EQ(*check.QueryInt("SELECT count(*) FROM t"), 2);
  EXPECT_EQ(queue.stats().transactions, 2u);
}

}  // namespace
}  // namespace unknot::storage::sqlite
