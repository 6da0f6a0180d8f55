// Booking over real HTTP against a running `unknot serve`: many clients at once never
// double-book, and every booking that was answered 201 is still there after a restart.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "booking_race.hpp"
#include "demo_time.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

class BookingE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db_}).exit_code, 0);
    ASSERT_EQ(RunProcess({UnknotBinary(), "demo", "--database", db_}).exit_code, 0);
    port_ = Start();
    ASSERT_NE(port_, 0);
    auto services = Json::parse(HttpGet(port_, base_ + "/services").body)["services"];
    for (const auto& s : services) service_ids_[s["slug"]] = s["id"];
  }

  std::uint16_t Start() {
    server_ = std::make_unique<Child>(std::vector<std::string>{
        UnknotBinary(), "serve", "--database", db_, "--listen", "127.0.0.1:0", "--threads", "8",
        "--trusted-proxy", kTrustLoopback});
    return WaitForServePort(*server_);
  }

  // Client `client` books from an address of its own (ForwardedFor): many clients, not one
  // hammering client.
  HttpResult Book(const std::string& service, const std::string& start, int client,
                  int address = -1) {
    return HttpRequest(port_, "POST", base_ + "/appointments",
                       ClientBookingBody(service_ids_.at(service), start, client),
                       ForwardedFor(address < 0 ? client : address));
  }

  TempDir dir_;
  std::string db_ = dir_.File("unknot.db");
  std::string base_ = "/api/v1/clinics/mission-sports-chiro";
  std::map<std::string, std::int64_t> service_ids_;
  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
};

TEST_F(BookingE2ETest, SixtyFourClientsOneSlotExactlyOneBooking) {
  // Foam-roller coaching needs a massage therapist and a massage room; on a Tuesday at 09:00
  // only Priya Natarajan works (Sam Whitfield starts at 11:00): one booking fits.
  std::string start = DemoTime(0, 9, 0);
  RaceTally tally = Race(64, [&](int i) { return Book("foam-roller-coaching", start, i); });
  EXPECT_EQ(tally.created, 1);
  EXPECT_EQ(tally.conflicts, 63);
  EXPECT_EQ(tally.other, 0) << tally.first_other;
}

TEST_F(BookingE2ETest, ARandomConcurrentMixNeverOverlapsAndSurvivesARestart) {
  const std::vector<std::string> services = {"art-session", "chiropractic-follow-up",
                                             "deep-tissue-60", "deep-tissue-90",
                                             "foam-roller-coaching"};
  std::mutex mutex;
  std::vector<std::pair<std::int64_t, std::string>> booked;  // id, token
  std::atomic<int> errors{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 32; ++i) {
    clients.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(1000 + i));
      for (int n = 0; n < 6; ++n) {
        unsigned day = random() % 4;                    // Tuesday to Friday
        int hour = 9 + static_cast<int>(random() % 8);  // 09:00 to 16:45
        int minute = 15 * static_cast<int>(random() % 4);
        HttpResult r =
            Book(services[random() % services.size()], DemoTime(day, hour, minute), i * 100 + n, i);
        if (r.status == 201) {
          auto body = Json::parse(r.body);
          std::lock_guard lock(mutex);
          booked.emplace_back(body["appointment"]["id"], body["manage_token"]);
        } else if (r.status != 409 && r.status != 422) {
          ++errors;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_FALSE(booked.empty());

  // Restart: every booking that was answered 201 is on disk.
  EXPECT_EQ(server_->Stop(), 0);
  port_ = Start();
  ASSERT_NE(port_, 0);
  for (const auto& [id, token] : booked) {
    EXPECT_EQ(
        HttpGet(port_, base_ + "/appointments/" + std::to_string(id) + "?token=" + token).status,
        200u)
        << id;
  }

  // And no two live appointments overlap for a practitioner or a room, read straight from SQL.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM appointments a JOIN appointments b "
                               "ON a.id < b.id AND (a.practitioner_id = b.practitioner_id OR "
                               "a.room_id = b.room_id) AND a.start_at < b.blocked_until AND "
                               "b.start_at < a.blocked_until "
                               "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), 0);
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM appointments", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), static_cast<std::int64_t>(booked.size()));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace unknot::testing
