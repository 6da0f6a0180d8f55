// Patient messages end to end (issue 16): `unknot serve --smtp` delivers through a real SMTP
// server on loopback (tests/messages/smtp_sink.py, Debian's python3-aiosmtpd), and Python reads
// what arrived (tests/messages/check_messages.py: e-mail headers, the plain-text and HTML parts,
// the .ics with python3-icalendar). A server killed with SIGKILL in the middle of a delivery
// batch loses nothing: after a restart every message has arrived, copies only with the same
// Message-ID.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

std::string Script(const std::string& name) { return SourceDir() + "/tests/messages/" + name; }

int CountMessages(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".eml") ++n;
  }
  return n;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

class MessagesE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db_}).exit_code, 0);
    ASSERT_EQ(RunProcess({UnknotBinary(), "demo", "--database", db_}).exit_code, 0);
  }

  void StartSink(int delay_ms) {
    sink_ = std::make_unique<Child>(std::vector<std::string>{
        "/usr/bin/python3", Script("smtp_sink.py"), mail_, "--delay-ms", std::to_string(delay_ms)});
    ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(mail_ + "/port"); }, 20s));
    std::ifstream in(mail_ + "/port");
    in >> smtp_port_;
  }

  std::uint16_t StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {UnknotBinary(),
                                     "serve",
                                     "--database",
                                     db_,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--trusted-proxy",
                                     kTrustLoopback,
                                     "--smtp",
                                     "smtp://127.0.0.1:" + std::to_string(smtp_port_),
                                     "--mail-from",
                                     "bookings@mission.example",
                                     "--public-url",
                                     "https://clinic.example",
                                     "--delivery-wait-ms",
                                     "100"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<Child>(args);
    port_ = WaitForServePort(*server_);
    auto services = Json::parse(HttpGet(port_, base_ + "/services").body)["services"];
    for (const auto& s : services) service_ids_[s["slug"]] = s["id"];
    return port_;
  }

  // The key the outbox gives a message: its Message-ID.
  static std::string Key(std::int64_t id, const std::string& kind, int sequence) {
    return "<appointment-" + std::to_string(id) + "-" + kind + "-" + std::to_string(sequence) +
           "@mission-sports-chiro.unknot>";
  }

  int Check(const Json& expectations) {
    const std::string path = dir_.File("expected.json");
    std::ofstream(path) << expectations.dump(2);
    ProcessResult r =
        RunProcess({"/usr/bin/python3", Script("check_messages.py"), mail_, path}, 60s);
    last_check_ = r.out + r.err;
    return r.exit_code;
  }

  TempDir dir_;
  std::string db_ = dir_.File("unknot.db");
  std::string mail_ = dir_.File("mail");
  std::string base_ = "/api/v1/clinics/mission-sports-chiro";
  std::map<std::string, std::int64_t> service_ids_;
  std::unique_ptr<Child> sink_;
  std::unique_ptr<Child> server_;
  int smtp_port_ = 0;
  std::uint16_t port_ = 0;
  std::string last_check_;
};

TEST_F(MessagesE2ETest, AConfirmationAndACancellationArriveWithTheirPartsAndCalendarFiles) {
  StartSink(0);
  ASSERT_NE(StartServer(), 0);
  const std::string start = DemoTime(0, 9, 0);
  Json body = {{"service", service_ids_.at("art-session")},
               {"start", start},
               {"patient",
                {{"given_name", "Ana <b>&amp;"},
                 {"family_name", "Ruiz"},
                 {"email", "ana@example.org"},
                 {"phone", "+14155550142"}}}};
  HttpResult booked = HttpRequest(port_, "POST", base_ + "/appointments", body.dump());
  ASSERT_EQ(booked.status, 201u) << booked.body;
  Json answer = Json::parse(booked.body);
  const std::int64_t id = answer["appointment"]["id"];
  const std::string token = answer["manage_token"];
  ASSERT_TRUE(WaitFor([&] { return CountMessages(mail_) >= 1; }, 30s)) << server_->Stderr();

  HttpResult cancelled =
      HttpRequest(port_, "POST", base_ + "/appointments/" + std::to_string(id) + "/cancel",
                  Json{{"token", token}}.dump());
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  ASSERT_TRUE(WaitFor([&] { return CountMessages(mail_) >= 2; }, 30s)) << server_->Stderr();

  const std::string uid = "appointment-" + std::to_string(id) + "@mission-sports-chiro.unknot";
  const std::string manage =
      "https://clinic.example/c/mission-sports-chiro/manage/" + std::to_string(id);
  Json expectations = {{Key(id, "booked", 1),
                        {{"kind", "booked"},
                         {"to", "ana@example.org"},
                         {"name", "Ana <b>&amp; Ruiz"},
                         {"uid", uid},
                         {"method", "REQUEST"},
                         {"sequence", 0},
                         {"text",
                          {"Hello Ana <b>&amp;,", "When: ", "America/Los_Angeles",
                           "What to bring:", manage, "Questions? Call us on"}},
                         {"html", {"Hello Ana &lt;b&gt;&amp;amp;,", "href=\"" + manage + "\""}},
                         {"not_html", {"<b>"}}}},
                       {Key(id, "cancelled", 2),
                        {{"kind", "cancelled"},
                         {"to", "ana@example.org"},
                         {"uid", uid},
                         {"method", "CANCEL"},
                         {"sequence", 1},
                         {"text", {"cancelled"}}}}};
  EXPECT_EQ(Check(expectations), 0) << last_check_;
}

TEST_F(MessagesE2ETest, SigkillInTheMiddleOfADeliveryBatchLosesNoMessage) {
  StartSink(150);  // each message takes 150 ms: the kill lands inside a batch
  ASSERT_NE(StartServer({"--delivery-batch", "10", "--delivery-lease", "2"}), 0);
  Json expectations = Json::object();
  int client = 0;
  for (unsigned day = 0; day < 4 && expectations.size() < 24; ++day) {
    for (int hour = 9; hour < 17 && expectations.size() < 24; ++hour) {
      ++client;
      HttpResult r = HttpRequest(
          port_, "POST", base_ + "/appointments",
          ClientBookingBody(service_ids_.at("art-session"), DemoTime(day, hour, 0), client),
          ForwardedFor(client));
      if (r.status != 201) continue;
      const std::int64_t id = Json::parse(r.body)["appointment"]["id"];
      expectations[Key(id, "booked", 1)] = {
          {"kind", "booked"},
          {"to", "client" + std::to_string(client) + "@example.org"},
          {"uid", "appointment-" + std::to_string(id) + "@mission-sports-chiro.unknot"},
          {"method", "REQUEST"},
          {"sequence", 0}};
    }
  }
  ASSERT_GE(expectations.size(), 12u);
  ASSERT_TRUE(WaitFor([&] { return CountMessages(mail_) >= 3; }, 30s)) << server_->Stderr();
  server_->Kill();
  const int before_restart = CountMessages(mail_);
  EXPECT_LT(before_restart, static_cast<int>(expectations.size()));

  ASSERT_NE(StartServer({"--delivery-batch", "10", "--delivery-lease", "2"}), 0);
  const int want = static_cast<int>(expectations.size());
  // Every message, and then a little longer so a late duplicate would be seen too.
  ASSERT_TRUE(WaitFor([&] { return Check(expectations) == 0; }, 90s)) << last_check_;
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(Check(expectations), 0) << last_check_;
  EXPECT_GE(CountMessages(mail_), want);
}

}  // namespace
}  // namespace unknot::testing
