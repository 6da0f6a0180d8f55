// Patient messages end to end (issue 16): `unknot serve --smtp` delivers through a real SMTP
// server on loopback (tests/messages/smtp_sink.py, Debian's python3-aiosmtpd), and Python reads
// what arrived (tests/messages/check_messages.py: e-mail headers, the plain-text and HTML parts,
// the .ics with python3-icalendar). A server killed with SIGKILL in the middle of a delivery
// batch loses nothing: after a restart every message has arrived, copies only with the same
// Message-ID. The manage link in a delivered e-mail opens the appointment (its own token); an
// address the server refuses for good (550) is not mailed again.

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

  void StartSink(int delay_ms, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"/usr/bin/python3", Script("smtp_sink.py"), mail_,
                                     "--delay-ms", std::to_string(delay_ms)};
    args.insert(args.end(), extra.begin(), extra.end());
    sink_ = std::make_unique<Child>(args);
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
  Json expectations = {
      {Key(id, "booked", 1),
       {{"kind", "booked"},
        {"to", "ana@example.org"},
        {"name", "Ana <b>&amp; Ruiz"},
        {"uid", uid},
        {"method", "REQUEST"},
        {"sequence", 0},
        {"text",
         {"Hello Ana <b>&amp;,", "When: ", "America/Los_Angeles", "What to bring:", manage,
          "Questions? Call us on"}},
        {"html", {"Hello Ana &lt;b&gt;&amp;amp;,", "href=\"" + manage + "#token="}},
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

TEST_F(MessagesE2ETest, TheManageLinkInTheDeliveredEmailOpensTheAppointment) {
  StartSink(0);
  ASSERT_NE(StartServer(), 0);
  Json body = {{"service", service_ids_.at("art-session")},
               {"start", DemoTime(0, 10, 0)},
               {"patient",
                {{"given_name", "Ana"},
                 {"family_name", "Ruiz"},
                 {"email", "ana@example.org"},
                 {"phone", "+14155550142"}}}};
  HttpResult booked = HttpRequest(port_, "POST", base_ + "/appointments", body.dump());
  ASSERT_EQ(booked.status, 201u) << booked.body;
  const std::int64_t id = Json::parse(booked.body)["appointment"]["id"];
  const std::string booking_token = Json::parse(booked.body)["manage_token"];
  ASSERT_TRUE(WaitFor([&] { return CountMessages(mail_) >= 1; }, 30s)) << server_->Stderr();

  ProcessResult link =
      RunProcess({"/usr/bin/python3", Script("manage_link.py"), mail_, Key(id, "booked", 1)});
  ASSERT_EQ(link.exit_code, 0) << link.out << link.err;
  const std::string prefix =
      "https://clinic.example/c/mission-sports-chiro/manage/" + std::to_string(id) + "#token=";
  ASSERT_TRUE(link.out.starts_with(prefix)) << link.out;
  std::string token = link.out.substr(prefix.size());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  ASSERT_FALSE(token.empty());
  EXPECT_NE(token, booking_token);  // a fresh one, made for this message

  // The patient app sends the fragment's token as a Bearer token.
  const std::string target = base_ + "/appointments/" + std::to_string(id);
  HttpResult opened = HttpRequest(port_, "GET", target, "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(opened.status, 200u) << opened.body;
  EXPECT_EQ(Json::parse(opened.body)["appointment"]["id"], id);
  // The booking's own token still works; a wrong one does not.
  EXPECT_EQ(
      HttpRequest(port_, "GET", target, "", {{"Authorization", "Bearer " + booking_token}}).status,
      200u);
  EXPECT_EQ(
      HttpRequest(port_, "GET", target, "", {{"Authorization", "Bearer " + token + "x"}}).status,
      404u);
}

TEST_F(MessagesE2ETest, AnAddressRefusedWith550IsNotMailedAgain) {
  StartSink(0, {"--reject", "gone@example.org"});
  ASSERT_NE(StartServer(), 0);
  auto book = [&](const std::string& email, int hour) {
    Json body = {{"service", service_ids_.at("art-session")},
                 {"start", DemoTime(1, hour, 0)},
                 {"patient",
                  {{"given_name", "Bo"},
                   {"family_name", "Lind"},
                   {"email", email},
                   {"phone", "+14155550143"}}}};
    return HttpRequest(port_, "POST", base_ + "/appointments", body.dump());
  };
  auto rejections = [&] {
    std::ifstream in(mail_ + "/rejected.log");
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  };
  ASSERT_EQ(book("gone@example.org", 9).status, 201u);
  ASSERT_TRUE(WaitFor([&] { return rejections() >= 1; }, 30s)) << server_->Stderr();

  // The same patient books again, then somebody else: the second patient's confirmation
  // arrives, the bounced address is not tried again (no retry, no new message).
  ASSERT_EQ(book("gone@example.org", 11).status, 201u);
  HttpResult other = book("here@example.org", 14);
  ASSERT_EQ(other.status, 201u);
  const std::int64_t other_id = Json::parse(other.body)["appointment"]["id"];
  ASSERT_TRUE(WaitFor([&] { return CountMessages(mail_) >= 1; }, 30s)) << server_->Stderr();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(rejections(), 1);
  EXPECT_EQ(CountMessages(mail_), 1);
  Json expectations = {
      {Key(other_id, "booked", 1),
       {{"kind", "booked"},
        {"to", "here@example.org"},
        {"uid", "appointment-" + std::to_string(other_id) + "@mission-sports-chiro.unknot"},
        {"method", "REQUEST"},
        {"sequence", 0}}}};
  EXPECT_EQ(Check(expectations), 0) << last_check_;
}

int CountFiles(const std::string& dir, const std::string& extension) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == extension) ++n;
  }
  return n;
}

TEST_F(MessagesE2ETest, TheSmsWebhookGetsASignedBodyAndARetryWithTheSameKey) {
  const std::string hooks = dir_.File("webhook");
  Child receiver({"/usr/bin/python3", Script("webhook_sink.py"), hooks, "--fail", "1"});
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(hooks + "/port"); }, 20s));
  int hook_port = 0;
  std::ifstream(hooks + "/port") >> hook_port;
  const std::string secret = "webhook-secret-for-tests";
  ProcessResult set =
      RunProcess({"/usr/bin/sqlite3", db_,
                  "INSERT INTO outbox_settings (clinic_id, sms_webhook_url, sms_webhook_secret) "
                  "SELECT id, 'http://127.0.0.1:" +
                      std::to_string(hook_port) + "/sms', '" + secret +
                      "' FROM clinics WHERE slug = 'mission-sports-chiro'"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  StartSink(0);
  ASSERT_NE(StartServer({"--delivery-retry", "1"}), 0);
  Json body = {{"service", service_ids_.at("art-session")},
               {"start", DemoTime(2, 10, 0)},
               {"patient",
                {{"given_name", "Ana"},
                 {"family_name", "Ruiz"},
                 {"email", "ana@example.org"},
                 {"phone", "+14155550142"}}}};
  HttpResult booked = HttpRequest(port_, "POST", base_ + "/appointments", body.dump());
  ASSERT_EQ(booked.status, 201u) << booked.body;
  const std::int64_t id = Json::parse(booked.body)["appointment"]["id"];
  // The first request is answered 503; the retry, a second later, 200.
  ASSERT_TRUE(WaitFor([&] { return CountFiles(hooks, ".json") >= 2; }, 30s)) << server_->Stderr();
  std::this_thread::sleep_for(1500ms);  // no third request

  const std::string key =
      "<appointment-" + std::to_string(id) + "-booked-1-sms@mission-sports-chiro.unknot>";
  Json expectations = {{key, {{"to", "+14155550142"}, {"contains", {"booked"}}, {"attempts", 2}}}};
  const std::string path = dir_.File("webhook.json");
  std::ofstream(path) << expectations.dump(2);
  ProcessResult check =
      RunProcess({"/usr/bin/python3", Script("check_webhook.py"), hooks, secret, path});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace unknot::testing
