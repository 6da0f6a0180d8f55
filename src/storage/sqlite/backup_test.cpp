#include "storage/sqlite/backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/demo_clinic.hpp"
#include "instants.hpp"
#include "process.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_storage.hpp"
#include "temp_dir.hpp"

namespace unknot::storage::sqlite {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::NewBooking;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;
using testing::ReadFile;

using unknot::testing::At;

// Runs `sql` on a database file outside of the storage classes; every row as "a|b|c".
std::vector<std::string> Query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
          const unsigned char* text = sqlite3_column_text(stmt, i);
          row += (i > 0 ? "|" : "") + std::string(text != nullptr ? "'" : "NULL");
          if (text != nullptr) row += reinterpret_cast<const char*>(text) + std::string("'");
        }
        rows.push_back(std::move(row));
      }
    } else {
      rows.push_back(std::string("error: ") + sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return rows;
}

// The schema and every row of every table, sorted: equal dumps mean equal databases.
std::vector<std::string> Dump(const std::string& path) {
  std::vector<std::string> dump =
      Query(path, "SELECT type, name, tbl_name, sql FROM sqlite_master");
  for (const std::string& quoted :
       Query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")) {
    std::string table = quoted.substr(1, quoted.size() - 2);
    for (std::string& row : Query(path, "SELECT * FROM \"" + table + "\"")) {
      dump.push_back(table + ": " + row);
    }
  }
  std::sort(dump.begin(), dump.end());
  return dump;
}

std::vector<std::string> Names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MigrateDatabase(source_, clock_));
    storage_ = SqliteStorage::Open(source_, clock_).value();
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
    std::filesystem::create_directory(backups_);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request(i)));
  }

  // The i-th of a series of 30-minute sessions one hour apart, each for a new patient.
  NewBooking Request(int i) {
    core::Instant begin = At("2026-12-01T17:00:00Z") + std::chrono::hours{i};
    std::string email = "ana" + std::to_string(i) + "@example.org";
    return NewBooking{
        .patient = {core::PatientId{}, "Ana", "Ruiz", std::move(email), "+14155550142", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[0].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[0].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 30min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = {},
                                   .updated_at = {},
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "hash-of-token",
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  std::vector<Appointment> AppointmentsIn(core::ports::Storage& storage) {
    return storage
        .ListAppointments(setup_.clinic.id, *core::Interval::Create(At("2026-01-01T00:00:00Z"),
                                                                    At("2030-01-01T00:00:00Z")))
        .value();
  }

  testing::TempDir dir_;
  std::string source_ = dir_.File("unknot.db");
  std::filesystem::path backups_ = dir_.path() / "backups";
  std::string copy_ = (backups_ / "copy.db").string();
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<SqliteStorage> storage_;
  core::clinic::ClinicSetup setup_;
};

TEST_F(BackupTest, TheCopyHoldsTheSameRowsAsTheSource) {
  auto report = BackupDatabase(source_, copy_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->destination, copy_);
  EXPECT_EQ(report->schema_version, LatestSchemaVersion());
  EXPECT_EQ(report->bytes, std::filesystem::file_size(copy_));
  std::vector<std::string> page_size = Query(copy_, "PRAGMA page_size");
  ASSERT_EQ(page_size.size(), 1u);
  EXPECT_EQ(report->bytes, static_cast<std::uintmax_t>(report->pages) *
                               std::stoull(page_size[0].substr(1, page_size[0].size() - 2)));
  // Only the finished copy: no temporary file, journal or WAL beside it.
  EXPECT_EQ(Names(backups_), std::vector<std::string>{"copy.db"});

  std::vector<std::string> source_rows = Dump(source_);
  EXPECT_GT(source_rows.size(), 50u);  // the demo clinic and three bookings, not an empty file
  EXPECT_EQ(Dump(copy_), source_rows);
  EXPECT_EQ(Query(copy_, "PRAGMA integrity_check"), std::vector<std::string>{"'ok'"});

  auto restored = SqliteStorage::Open(copy_, clock_);
  ASSERT_TRUE(restored) << restored.error().message();
  EXPECT_EQ(**(*restored)->LoadSetup(setup_.clinic.id), setup_);
  EXPECT_EQ(AppointmentsIn(**restored), AppointmentsIn(*storage_));
  EXPECT_EQ(AppointmentsIn(**restored).size(), 3u);
}

TEST_F(BackupTest, ABackupWhileTheServerCommitsIsOneConsistentMoment) {
  // A writer that keeps booking through SqliteStorage, as `unknot serve` would. It gives up on
  // its own after a while, so that a backup that never finishes shows up as a failure here
  // rather than as a hung test.
  std::atomic<bool> stop{false};
  std::atomic<int> booked{3};
  std::atomic<bool> writer_gave_up{false};
  std::thread writer([&] {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    for (int i = 3; !stop; ++i) {
      if (std::chrono::steady_clock::now() > deadline) {
        writer_gave_up = true;
        return;
      }
      if (storage_->Book(setup_.clinic.id, Request(i))) ++booked;
    }
  });
  for (int waited = 0; booked < 6 && waited < 10000; ++waited) std::this_thread::sleep_for(1ms);
  ASSERT_GE(booked, 6) << "the writer does not book";  // (the thread stops at its deadline)

  // One page per step with a pause after each: the backup spans many of the writer's commits.
  BackupOptions slow;
  slow.pages_per_step = 1;
  slow.pause_between_steps = 3ms;
  int before = booked;
  auto report = BackupDatabase(source_, copy_, slow);
  int after = booked;
  stop = true;
  writer.join();
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_FALSE(writer_gave_up) << "the backup only finished once the writer had stopped";
  EXPECT_GT(report->pages, 10);
  EXPECT_GT(after, before) << "the writer was blocked for the whole backup";

  EXPECT_EQ(Query(copy_, "PRAGMA integrity_check"), std::vector<std::string>{"'ok'"});
  EXPECT_TRUE(Query(copy_, "PRAGMA foreign_key_check").empty());
  auto restored = SqliteStorage::Open(copy_, clock_);
  ASSERT_TRUE(restored) << restored.error().message();
  // The copy is the source at one moment: the first n bookings, all of them, nothing later.
  std::vector<Appointment> copied = AppointmentsIn(**restored);
  std::vector<Appointment> all = AppointmentsIn(*storage_);
  EXPECT_GE(static_cast<int>(copied.size()), before);
  EXPECT_LE(static_cast<int>(copied.size()), after);
  ASSERT_LE(copied.size(), all.size());
  EXPECT_TRUE(std::equal(copied.begin(), copied.end(), all.begin()));
}

TEST_F(BackupTest, AnExistingDestinationIsRefusedAndLeftAlone) {
  std::ofstream(copy_, std::ios::binary) << "last week's backup\n";
  std::filesystem::create_symlink(backups_ / "nowhere.db", backups_ / "link.db");
  std::filesystem::create_directory(backups_ / "folder.db");
  std::vector<std::string> names = Names(backups_);

  for (const char* taken : {"copy.db", "link.db", "folder.db"}) {
    auto refused = BackupDatabase(source_, (backups_ / taken).string());
    ASSERT_FALSE(refused) << taken;
    EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
    EXPECT_NE(refused.error().message().find("already exists"), std::string::npos)
        << refused.error().message();
  }
  EXPECT_EQ(ReadFile(copy_), "last week's backup\n");
  EXPECT_FALSE(std::filesystem::exists(backups_ / "nowhere.db"));
  EXPECT_TRUE(std::filesystem::is_empty(backups_ / "folder.db"));
  EXPECT_EQ(Names(backups_), names);
}

TEST_F(BackupTest, ADamagedSourceFailsTheCheckAndLeavesNothingBehind) {
  // Zero the page of one index in the file itself. The schema still reads, so the source opens
  // and the pages copy; only the integrity check of the copy can notice.
  std::vector<std::string> root =
      Query(source_, "SELECT rootpage FROM sqlite_master WHERE name = 'appointments_by_clinic'");
  std::vector<std::string> page_size = Query(source_, "PRAGMA page_size");
  ASSERT_EQ(root.size(), 1u);
  ASSERT_EQ(page_size.size(), 1u);
  storage_.reset();  // the last connection to close moves the WAL into the file
  ASSERT_FALSE(std::filesystem::exists(source_ + "-wal"));
  std::uintmax_t page = std::stoull(root[0].substr(1, root[0].size() - 2));
  std::size_t size = std::stoul(page_size[0].substr(1, page_size[0].size() - 2));
  {
    std::fstream file(source_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>((page - 1) * size));
    std::string zeros(size, '\0');
    file.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    ASSERT_TRUE(file.good());
  }

  auto failed = BackupDatabase(source_, copy_);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternal) << failed.error().message();
  EXPECT_NE(failed.error().message().find(source_), std::string::npos);
  EXPECT_EQ(failed.error().message().find('\n'), std::string::npos);
  EXPECT_TRUE(Names(backups_).empty());
}

TEST_F(BackupTest, RefusalsBeforeCopyingLeaveNothingBehind) {
  auto missing = BackupDatabase(dir_.File("missing.db"), copy_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  std::string notes = dir_.File("notes.txt");
  std::ofstream(notes) << "not a database\n";
  auto not_sqlite = BackupDatabase(notes, copy_);
  ASSERT_FALSE(not_sqlite);
  EXPECT_EQ(not_sqlite.error().code(), ErrorCode::kInvalidArgument);

  auto no_folder = BackupDatabase(source_, (backups_ / "no-such-folder" / "copy.db").string());
  ASSERT_FALSE(no_folder);
  EXPECT_EQ(no_folder.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(no_folder.error().message().find("cannot create a temporary file"), std::string::npos)
      << no_folder.error().message();

  storage_.reset();
  ASSERT_EQ(Query(source_, "INSERT INTO schema_version VALUES (99, 'from the future', 0)"),
            std::vector<std::string>{});
  auto newer = BackupDatabase(source_, copy_);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code(), ErrorCode::kConflict);
  EXPECT_NE(newer.error().message().find("newer"), std::string::npos);

  EXPECT_TRUE(Names(backups_).empty());
}

// Regression: opening a reader connection used to read the file's header with std::ifstream, and
// closing that stream dropped SQLite's POSIX locks on the file. The next program that opened and
// closed the database (a `sqlite3` query, `unknot backup`) then believed it was the last user,
// checkpointed and deleted the WAL that this process went on committing into: a later booking
// was acknowledged but invisible to everyone else, and gone after a crash.
TEST_F(BackupTest, AnotherProgramReadingTheFileLosesNoAcknowledgedBooking) {
  const std::string wal = source_ + "-wal";
  // A reader connection of the storage, as every request opens one.
  ASSERT_EQ(AppointmentsIn(*storage_).size(), 3u);
  struct stat before {};
  ASSERT_EQ(stat(wal.c_str(), &before), 0);

  auto outside_count = [&] {
    testing::ProcessResult result =
        testing::RunProcess({"/usr/bin/sqlite3", source_, "SELECT count(*) FROM appointments"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  };
  EXPECT_EQ(outside_count(), "3\n");
  // The outside program found the storage still using the file: the log is the same file.
  struct stat after {};
  ASSERT_EQ(stat(wal.c_str(), &after), 0) << "the outside reader deleted the server's WAL";
  EXPECT_EQ(after.st_ino, before.st_ino);

  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request(3)));
  EXPECT_EQ(outside_count(), "4\n") << "an acknowledged booking is not in the file";
  auto copy = testing::RunProcess({"/usr/bin/sqlite3", source_, ".backup '" + copy_ + "'"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  ASSERT_TRUE(storage_->Book(setup_.clinic.id, Request(4)));

  EXPECT_EQ(outside_count(), "5\n");
  auto check = testing::RunProcess({"/usr/bin/sqlite3", source_, "PRAGMA integrity_check"});
  EXPECT_EQ(check.out, "ok\n") << check.err;
  EXPECT_EQ(Query(copy_, "SELECT count(*) FROM appointments"), std::vector<std::string>{"'4'"});
}

TEST_F(BackupTest, AnOlderSchemaCanBeBackedUpBeforeMigrating) {
  storage_.reset();
  ASSERT_EQ(Query(source_, "DELETE FROM schema_version WHERE version > 1"),
            std::vector<std::string>{});
  auto report = BackupDatabase(source_, copy_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->schema_version, 1);
  EXPECT_EQ(Dump(copy_), Dump(source_));
}

}  // namespace
}  // namespace unknot::storage::sqlite
