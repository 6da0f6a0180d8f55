// `unknot` on PostgreSQL, as a clinic group runs it: several servers on one database never
// double-book, and a server rides out a database outage without a restart.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "booking_race.hpp"
#include "demo_clinic_api.hpp"
#include "demo_time.hpp"
#include "http_client.hpp"
#include "postgres_scratch.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// Migrates a database and loads the demo clinic through the CLI, as an operator would.
void PrepareDemo(const std::string& uri) {
  auto migrated = RunProcess({UnknotBinary(), "migrate", "--database", uri});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  auto demo = RunProcess({UnknotBinary(), "demo", "--database", uri});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
}

std::unique_ptr<Child> Serve(const std::string& uri, std::uint16_t& port) {
  auto server = std::make_unique<Child>(std::vector<std::string>{
      UnknotBinary(), "serve", "--database", uri, "--listen", "127.0.0.1:0", "--threads", "8",
      "--pool-size", "8", "--trusted-proxy", kTrustLoopback});
  port = WaitForServePort(*server);
  return server;
}

std::int64_t ServiceId(std::uint16_t port, const std::string& slug) {
  const Json services = Json::parse(HttpGet(port, kBase + "/services").body);
  for (const auto& s : services["services"]) {
    if (s["slug"] == slug) return s["id"];
  }
  return 0;
}

TEST(PostgresE2ETest, TwoServersOnOneDatabaseBookOneSlotExactlyOnce) {
  ScratchDatabase db;
  ASSERT_FALSE(db.uri().empty());
  PrepareDemo(db.uri());
  std::uint16_t ports[2] = {0, 0};
  auto first = Serve(db.uri(), ports[0]);
  auto second = Serve(db.uri(), ports[1]);
  ASSERT_NE(ports[0], 0);
  ASSERT_NE(ports[1], 0);
  // Foam-roller coaching on a Tuesday at 09:00: only one massage therapist works then, so
  // exactly one of the 64 requests (32 through each server) can have it.
  const std::int64_t service = ServiceId(ports[0], "foam-roller-coaching");
  const std::string start = DemoTime(0, 9, 0);
  RaceTally tally = Race(64, [&](int i) {
    return HttpRequest(ports[i % 2], "POST", kBase + "/appointments",
                       ClientBookingBody(service, start, i), ForwardedFor(i));
  });
  EXPECT_EQ(tally.created, 1);
  EXPECT_EQ(tally.conflicts, 63);
  EXPECT_EQ(tally.other, 0) << tally.first_other;
  // The database agrees: one live appointment at that start.
  pqxx::connection connection(db.uri());
  pqxx::nontransaction tx(connection);
  auto count = tx.exec("SELECT count(*) FROM appointments WHERE status <> 'cancelled'");
  EXPECT_EQ(count[0][0].as<int>(), 1);
}

TEST(PostgresE2ETest, ReadyzFollowsTheDatabaseWithoutARestart) {
  // A server of its own, so that this test can take it down.
  OwnPostgresServer postgres;
  ASSERT_FALSE(postgres.uri().empty());
  const std::string& uri = postgres.uri();
  PrepareDemo(uri);
  std::uint16_t port = 0;
  auto server = Serve(uri, port);
  ASSERT_NE(port, 0);
  EXPECT_EQ(HttpGet(port, "/readyz").status, 200u);

  ASSERT_EQ(postgres.Control("pause"), 0);
  HttpResult down = HttpGet(port, "/readyz");
  EXPECT_EQ(down.status, 503u);
  EXPECT_NE(down.body.find("database"), std::string::npos) << down.body;
  EXPECT_EQ(HttpGet(port, "/healthz").status, 200u);  // alive, just not ready

  ASSERT_EQ(postgres.Control("resume"), 0);
  EXPECT_EQ(HttpGet(port, "/readyz").status, 200u);
  EXPECT_EQ(HttpGet(port, kBase + "/services").status, 200u);
}

TEST(PostgresE2ETest, AnUnreachableOrMalformedDatabaseIsOneLineAndExitOne) {
  TempDir dir;
  for (const std::string& uri :
       {"postgresql:///unknot?host=" + dir.File("no-server-here"), std::string("postgresql://")}) {
    auto r = RunProcess({UnknotBinary(), "serve", "--database", uri, "--listen", "127.0.0.1:0"});
    EXPECT_EQ(r.exit_code, 1) << uri;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("PostgreSQL"), std::string::npos) << r.err;
    EXPECT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", uri}).exit_code, 1);
  }
}

}  // namespace
}  // namespace unknot::testing
