// The staff side of a running `unknot serve`: the demo staff sign in over real sockets, the
// session cookie carries them, writes need the CSRF token and JSON, sign-ins are hashed off the
// I/O threads (a one-thread server keeps answering while several are being checked).

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "demo_clinic_api.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace unknot::testing {
namespace {

// The demo-only credentials README.md states.
const std::string kOwnerEmail = "owner@demo.unknot.test";
const std::string kOwnerPassword = "demo-keys-to-the-clinic";

class StaffServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunProcess({UnknotBinary(), "migrate", "--database", db_}).exit_code, 0);
    ProcessResult demo = RunProcess({UnknotBinary(), "demo", "--database", db_});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    server_ = std::make_unique<Child>(std::vector<std::string>{
        UnknotBinary(), "serve", "--database", db_, "--listen", "127.0.0.1:0", "--threads", "1"});
    port_ = WaitForServePort(*server_);
    ASSERT_NE(port_, 0) << server_->Stderr();
  }

  HttpResult SignIn(const std::string& email, const std::string& password) {
    return HttpRequest(port_, "POST", kBase + "/session",
                       nlohmann::json{{"email", email}, {"password", password}}.dump());
  }

  TempDir dir_;
  std::string db_ = dir_.File("unknot.db");
  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
};

TEST_F(StaffServeTest, TheDemoOwnerSignsInAndTheCookieCarriesTheSession) {
  HttpResult wrong = SignIn(kOwnerEmail, "not the demo password");
  EXPECT_EQ(wrong.status, 401u) << wrong.body;

  HttpResult signed_in = SignIn(kOwnerEmail, kOwnerPassword);
  ASSERT_EQ(signed_in.status, 201u) << signed_in.body;
  const std::string set_cookie = signed_in.headers["set-cookie"];
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_EQ(signed_in.headers["cache-control"], "no-store");
  EXPECT_FALSE(signed_in.headers["x-request-id"].empty());
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = nlohmann::json::parse(signed_in.body)["csrf_token"];

  HttpResult me = HttpRequest(port_, "GET", kBase + "/session", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(nlohmann::json::parse(me.body)["staff"]["role"], "owner");

  HttpResult patients = HttpRequest(port_, "GET", kBase + "/patients", "", {{"Cookie", cookie}});
  EXPECT_EQ(patients.status, 200u) << patients.body;
  EXPECT_EQ(HttpGet(port_, kBase + "/patients").status, 401u);

  // A write without the token, or from another site, changes nothing; with both it signs out.
  const std::string origin = "http://127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(
      HttpRequest(port_, "DELETE", kBase + "/session", "", {{"Cookie", cookie}, {"Origin", origin}})
          .status,
      403u);
  EXPECT_EQ(
      HttpRequest(port_, "DELETE", kBase + "/session", "",
                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://evil.test"}})
          .status,
      403u);
  EXPECT_EQ(HttpRequest(port_, "GET", kBase + "/session", "", {{"Cookie", cookie}}).status, 200u);
  // The test client sends Host 127.0.0.1 (no port): the Origin must name the same host.
  HttpResult out =
      HttpRequest(port_, "DELETE", kBase + "/session", "",
                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://127.0.0.1"}});
  EXPECT_EQ(out.status, 204u) << out.body;
  EXPECT_EQ(HttpRequest(port_, "GET", kBase + "/session", "", {{"Cookie", cookie}}).status, 401u);
}

TEST_F(StaffServeTest, AFormBodyIsRefusedBeforeAnyHandlerReadsIt) {
  HttpResult form =
      HttpRequest(port_, "POST", kBase + "/session", "email=owner%40demo.unknot.test&password=x",
                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415u) << form.body;
  HttpResult plain =
      HttpRequest(port_, "POST", kBase + "/appointments", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 415u) << plain.body;
}

TEST_F(StaffServeTest, SignInsAreHashedWhileTheOnlyIoThreadKeepsServing) {
  // Eight sign-ins at once: two hash at a time on the pool (each one a real argon2id), the rest
  // wait in its queue. The server's one I/O thread answers a patient meanwhile.
  std::vector<std::future<HttpResult>> sign_ins;
  for (int i = 0; i < 8; ++i) {
    sign_ins.push_back(std::async(std::launch::async, [this, i] {
      return SignIn(kOwnerEmail, i % 2 == 0 ? kOwnerPassword : "a wrong password here");
    }));
  }
  HttpResult clinic = HttpGet(port_, kBase);
  EXPECT_EQ(clinic.status, 200u);
  int still_hashing = 0;
  for (auto& f : sign_ins) {
    if (f.wait_for(std::chrono::seconds{0}) != std::future_status::ready) ++still_hashing;
  }
  EXPECT_GT(still_hashing, 0) << "every sign-in was done before a plain read was answered";
  int created = 0, refused = 0;
  for (auto& f : sign_ins) {
    HttpResult r = f.get();
    if (r.status == 201) ++created;
    if (r.status == 401) ++refused;
  }
  EXPECT_EQ(created, 4);
  EXPECT_EQ(refused, 4);
}

}  // namespace
}  // namespace unknot::testing
