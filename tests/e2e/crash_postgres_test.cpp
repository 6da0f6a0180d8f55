// Issue 12, "Never lose an acknowledged booking", on PostgreSQL: `unknot serve` killed with
// SIGKILL under booking load, and PostgreSQL itself stopped in immediate mode (no checkpoint: it
// recovers from its WAL) and started again under load. Every booking answered 201 is in the
// database afterwards, clients are answered 503 while the database is down, and no two live
// appointments overlap.
//
// UNKNOT_CRASH_CYCLES sets the number of crashes of each kind (`make crash-test` runs many),
// UNKNOT_CRASH_SEED repeats a run's random choices. See docs/reliability.md.

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <pqxx/pqxx>

#include "booking_race.hpp"
#include "crash_load.hpp"
#include "http_client.hpp"
#include "postgres_scratch.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kClients = 8;
// Fewer free slots than this at the start of a cycle: the cycle starts on a new database.
constexpr std::size_t kMinFreeSlots = 200;

struct DatabaseCheck {
  std::int64_t overlaps = -1;
  std::vector<std::string> missing;  // acknowledged bookings absent, cancelled or changed
};

// Reads the database at `uri` with libpq: overlapping live appointments, and whether every
// acknowledged booking is there, booked, at its start with its practitioner.
DatabaseCheck CheckPostgres(const std::string& uri, const std::vector<Acknowledgement>& acks) {
  DatabaseCheck check;
  pqxx::connection connection(uri);
  pqxx::read_transaction tx(connection);
  check.overlaps = tx.exec1(
                         "SELECT count(*) FROM appointments a JOIN appointments b "
                         "ON a.id < b.id AND (a.practitioner_id = b.practitioner_id OR "
                         "a.room_id = b.room_id) AND a.start_at < b.blocked_until AND "
                         "b.start_at < a.blocked_until "
                         "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'")[0]
                       .as<std::int64_t>();
  struct Row {
    std::int64_t practitioner = 0, start = 0;
    std::string status;
  };
  std::map<std::int64_t, Row> rows;
  for (const auto& row :
       tx.exec("SELECT id, practitioner_id, start_at, status FROM appointments")) {
    rows[row[0].as<std::int64_t>()] = {row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                                       row[3].as<std::string>()};
  }
  for (const auto& a : acks) {
    auto row = rows.find(a.id);
    if (row == rows.end()) {
      check.missing.push_back(Describe(a) + ": not in the database");
    } else if (row->second.practitioner != a.practitioner || row->second.start != a.start_seconds ||
               row->second.status != "booked") {
      check.missing.push_back(Describe(a) + ": the database has practitioner " +
                              std::to_string(row->second.practitioner) + ", start " +
                              std::to_string(row->second.start) + ", status " + row->second.status);
    }
  }
  return check;
}

// Migrates a database and loads the demo clinic through the CLI, as an operator would.
void PrepareDemo(const std::string& uri) {
  auto migrated = RunProcess({UnknotBinary(), "migrate", "--database", uri});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  auto demo = RunProcess({UnknotBinary(), "demo", "--database", uri});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
}

class PostgresCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { std::cout << "[crash] seed " << seed_ << " (UNKNOT_CRASH_SEED)\n"; }

  void Start() {
    server_ = std::make_unique<Child>(std::vector<std::string>{
        UnknotBinary(), "serve", "--database", uri_, "--listen", "127.0.0.1:0", "--threads", "4",
        "--trusted-proxy", kTrustLoopback, "--pool-size", "8"});
    port_ = WaitForServePort(*server_);
    ASSERT_NE(port_, 0) << server_->Stderr();
  }

  // Free slots for the next cycle; on a new database (from `new_database`) when few are left.
  std::vector<Slot> SlotsForACycle(const std::function<std::string()>& new_database) {
    std::vector<Slot> slots = FreeSlots(port_, random_);
    if (slots.size() >= kMinFreeSlots) return slots;
    CloseDatabaseBooks();
    server_->Stop();
    uri_ = new_database();
    PrepareDemo(uri_);
    Start();
    return FreeSlots(port_, random_);
  }

  // Every acknowledged booking is in the database and known to the server; no overlaps.
  void CheckAcknowledged(const std::vector<Acknowledgement>& new_this_cycle) {
    DatabaseCheck check = CheckPostgres(uri_, acknowledged_);
    EXPECT_EQ(check.overlaps, 0);
    EXPECT_TRUE(check.missing.empty())
        << check.missing.size() << " of " << acknowledged_.size()
        << " acknowledged bookings lost, first: " << check.missing.front();
    last_missing_ = check.missing.size();
    std::cout << "[crash] postgres cycle: " << new_this_cycle.size() << " acknowledged, "
              << acknowledged_.size() - last_missing_ << " of " << acknowledged_.size()
              << " found\n";
    const auto over_api = MissingOverApi(port_, new_this_cycle);
    EXPECT_TRUE(over_api.empty()) << over_api.size() << " acknowledged bookings unknown to the "
                                  << "server, first: " << over_api.front();
  }

  void CloseDatabaseBooks() {
    total_acknowledged_ += acknowledged_.size();
    total_lost_ += last_missing_;
    last_missing_ = 0;
    acknowledged_.clear();
  }

  void Summary(const std::string& what, int cycles) {
    CloseDatabaseBooks();
    std::cout << "[crash] postgres " << what << ": cycles " << cycles << ", acknowledged "
              << total_acknowledged_ << ", found " << total_acknowledged_ - total_lost_ << ", lost "
              << total_lost_ << ", 503 " << unavailable_ << ", 409/422 " << conflicts_
              << ", no answer " << no_answer_ << "\n";
    EXPECT_EQ(total_lost_, 0u);
  }

  // Adds a finished load's answers to the test's counts and checks their kinds.
  std::vector<Acknowledgement> Collect(const BookingLoad& load) {
    const LoadTally tally = load.Tally();
    EXPECT_EQ(tally.other, 0) << tally.first_other;
    EXPECT_EQ(tally.read_back_lost, 0) << "a booking answered 201 was not found right after";
    unavailable_ += tally.unavailable;
    conflicts_ += tally.conflicts;
    no_answer_ += tally.no_answer;
    std::vector<Acknowledgement> acks = load.Acknowledged();
    acknowledged_.insert(acknowledged_.end(), acks.begin(), acks.end());
    return acks;
  }

  unsigned seed_ = CrashSeed();
  std::mt19937 random_{seed_};
  std::string uri_;
  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
  std::vector<Acknowledgement> acknowledged_;  // on the current database, all cycles
  std::size_t last_missing_ = 0, total_acknowledged_ = 0, total_lost_ = 0;
  int unavailable_ = 0, conflicts_ = 0, no_answer_ = 0;
};

TEST_F(PostgresCrashTest, KillNineOfTheServerLosesNoAcknowledgedBooking) {
  std::vector<std::unique_ptr<ScratchDatabase>> databases;
  const auto new_database = [&] {
    databases.push_back(std::make_unique<ScratchDatabase>());
    return databases.back()->uri();
  };
  uri_ = new_database();
  ASSERT_FALSE(uri_.empty());
  ASSERT_NO_FATAL_FAILURE(PrepareDemo(uri_));
  ASSERT_NO_FATAL_FAILURE(Start());
  const int cycles = CrashCycles();
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", seed " + std::to_string(seed_));
    std::vector<Slot> slots = SlotsForACycle(new_database);
    ASSERT_GE(slots.size(), kMinFreeSlots);
    const int target = std::uniform_int_distribution<int>(20, 80)(random_);
    std::vector<Acknowledgement> new_this_cycle;
    {
      BookingLoad load(port_, std::move(slots), kClients, cycle * 100000);
      PollUntil([&] { return load.Finished() || load.created() >= target; }, 120s);
      server_->Kill();
      load.Stop();
      EXPECT_GE(load.created(), target) << "the load stopped before the crash";
      new_this_cycle = Collect(load);
    }
    ASSERT_NO_FATAL_FAILURE(Start());
    CheckAcknowledged(new_this_cycle);
  }
  EXPECT_EQ(unavailable_, 0) << "503 while PostgreSQL was up";
  Summary("kill -9 of unknot serve", cycles);
  server_.reset();  // before its databases are dropped
}

TEST_F(PostgresCrashTest, ImmediateStopOfPostgresLosesNoAcknowledgedBooking) {
  // A PostgreSQL server of this test's own, so that it can crash it.
  OwnPostgresServer postgres;
  ASSERT_FALSE(postgres.uri().empty());
  const std::string& server_uri = postgres.uri();
  int databases = 0;
  const auto new_database = [&] {
    // Another database on the same server: swap the name in postgresql:///unknot?host=...
    const std::string name = "unknot_crash_" + std::to_string(++databases);
    pqxx::connection connection(server_uri);
    pqxx::nontransaction tx(connection);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
    return postgres.DatabaseUri(name);
  };
  uri_ = new_database();
  ASSERT_NO_FATAL_FAILURE(PrepareDemo(uri_));
  ASSERT_NO_FATAL_FAILURE(Start());
  const int cycles = CrashCycles();
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", seed " + std::to_string(seed_));
    std::vector<Slot> slots = SlotsForACycle(new_database);
    ASSERT_GE(slots.size(), kMinFreeSlots);
    const int before_crash = std::uniform_int_distribution<int>(10, 50)(random_);
    const int after_restart = std::uniform_int_distribution<int>(10, 30)(random_);
    std::vector<Acknowledgement> new_this_cycle;
    {
      BookingLoad load(port_, std::move(slots), kClients, cycle * 100000);
      PollUntil([&] { return load.Finished() || load.created() >= before_crash; }, 120s);
      ASSERT_GE(load.created(), before_crash) << "the load stopped before the crash";
      const int unavailable = load.unavailable();
      const auto crashed_at = std::chrono::steady_clock::now();
      ASSERT_EQ(postgres.Control("crash"), 0);
      // While it is down, clients are told so (and retry).
      EXPECT_TRUE(PollUntil([&] { return load.unavailable() > unavailable; }, 60s))
          << "no 503 while PostgreSQL was down";
      const auto first_503_at = std::chrono::steady_clock::now();
      ASSERT_EQ(postgres.Control("resume"), 0);
      const auto resumed_at = std::chrono::steady_clock::now();
      // The same unknot server books again once PostgreSQL is back, without a restart.
      const int resumed = load.created();
      PollUntil([&] { return load.created() > resumed; }, 120s);
      const auto booking_again_at = std::chrono::steady_clock::now();
      EXPECT_TRUE(PollUntil([&] { return load.created() >= resumed + after_restart; }, 120s))
          << "too few bookings succeeded after PostgreSQL came back";
      const auto ms = [](auto d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
      };
      std::cout << "[crash] postgres down after " << ms(first_503_at - crashed_at)
                << " ms, started again in " << ms(resumed_at - first_503_at)
                << " ms, first booking " << ms(booking_again_at - resumed_at) << " ms later\n";
      load.Stop();
      new_this_cycle = Collect(load);
    }
    CheckAcknowledged(new_this_cycle);
  }
  Summary("immediate stop of PostgreSQL", cycles);
  server_.reset();  // before its database server stops
}

}  // namespace
}  // namespace unknot::testing
