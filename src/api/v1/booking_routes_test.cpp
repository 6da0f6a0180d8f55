#include "api/v1/booking_routes.hpp"

#include "api/http/testing/gunzip.hpp"
#include "api/json/booking_json.hpp"
#include "api/test_fixture.hpp"
#include "app/booking.hpp"
#include "security/sodium_tokens.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;

class BookingRoutesTest : public DemoClinicFixture {
 protected:
  void SetUp() override {
    DemoClinicFixture::SetUp();
    v1::AddBookingRoutes(router_, *storage_, clock_, tokens_, cache_);
    auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
    for (const auto& s : setup.services) {
      if (s.slug == "art-session") art_ = s.id.value();
      if (s.slug == "deep-tissue-60") massage_ = s.id.value();
    }
    okafor_ = setup.practitioners[0].id.value();
  }

  Json BookingBody(const char* start, std::string email = "ana@example.org") {
    return {{"service", art_},
            {"practitioner", okafor_},
            {"start", start},
            {"patient",
             {{"given_name", "Ana"},
              {"family_name", "Ruiz"},
              {"email", std::move(email)},
              {"phone", "+14155550142"}}}};
  }

  static std::string FirstField(const http::Response& r) {
    auto body = Body(r);
    return body.contains("errors") ? body["errors"][0]["field"].get<std::string>() : "";
  }

  security::SodiumTokens tokens_;
  std::shared_ptr<v1::AvailabilityCache> cache_ = std::make_shared<v1::AvailabilityCache>();
  std::int64_t art_ = 0;
  std::int64_t massage_ = 0;
  std::int64_t okafor_ = 0;
  const std::string base_ = "/api/v1/clinics/mission-sports-chiro";
};

TEST_F(BookingRoutesTest, AvailabilityListsLocalDaysWithOptions) {
  auto r = Get(base_ + "/availability?service=" + std::to_string(art_) +
               "&from=2026-12-07&to=2026-12-08");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto body = Body(r);
  EXPECT_EQ(body["time_zone"], "America/Los_Angeles");
  ASSERT_EQ(body["days"].size(), 2u);
  EXPECT_EQ(body["days"][0]["date"], "2026-12-07");
  auto first = body["days"][0]["slots"][0];
  EXPECT_EQ(first["local_start"], "2026-12-07T08:00:00");  // Dr. Okafor starts at 08:00
  EXPECT_EQ(first["start"], "2026-12-07T16:00:00Z");
  EXPECT_EQ(first["options"][0]["practitioner"], okafor_);
  EXPECT_EQ(body["practitioners"][0]["display_name"], "Dr. Maya Okafor, DC");
}

// A booking for Dr. Okafor on Tuesday recomputes Tuesday's ART answer only: Wednesday's, and the
// massage answer for Tuesday (other practitioners, other rooms), are still served from the cache.
TEST_F(BookingRoutesTest, ABookingKeepsCachedAnswersItCannotChange) {
  auto day = [&](const char* date, std::int64_t service) {
    return Get(base_ + "/availability?service=" + std::to_string(service) + "&from=" + date +
               "&to=" + date);
  };
  auto tuesday = day("2026-12-08", art_);
  ASSERT_EQ(tuesday.status, 200u) << tuesday.body;
  auto wednesday = day("2026-12-09", art_);
  ASSERT_EQ(wednesday.status, 200u);
  auto massage = day("2026-12-08", massage_);
  ASSERT_EQ(massage.status, 200u);
  const v1::AvailabilityCache::Stats before = cache_->stats();

  ASSERT_EQ(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z")).status, 201u);
  EXPECT_EQ(day("2026-12-09", art_).body, wednesday.body);
  EXPECT_EQ(day("2026-12-08", massage_).body, massage.body);
  EXPECT_EQ(cache_->stats().hits, before.hits + 2);
  EXPECT_EQ(cache_->stats().misses, before.misses);
  // Tuesday's ART answer is recomputed and no longer offers Dr. Okafor at 09:00.
  auto after = day("2026-12-08", art_);
  ASSERT_EQ(after.status, 200u);
  EXPECT_EQ(cache_->stats().misses, before.misses + 1);
  EXPECT_NE(after.body, tuesday.body);
  const Json recomputed = Body(after);
  for (const auto& slot : recomputed["days"][0]["slots"]) {
    if (slot["start"] != "2026-12-08T17:00:00Z") continue;
    for (const auto& option : slot["options"]) EXPECT_NE(option["practitioner"], okafor_);
  }
}

// The route writes its answer as text; it means exactly what the JSON tree says, with names that
// need escaping and slots with several options.
TEST_F(BookingRoutesTest, AvailabilityTextSaysWhatTheTreeSays) {
  auto setup = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
  auto renamed = storage_->SaveSetup(
      setup.clinic.id,
      [](const core::clinic::ClinicSetup& stored,
         const auto&) -> core::Result<core::clinic::ClinicSetup> {
        core::clinic::ClinicSetup changed = stored;
        changed.practitioners[0].display_name = "Dr. \"Maya\" Okafor \\ DC, Å";
        changed.rooms[0].name = "Room <1> & \"A\"";
        return changed;
      },
      clock_.Now());
  ASSERT_TRUE(renamed) << renamed.error().message();
  ASSERT_EQ(Post(base_ + "/appointments", BookingBody("2026-12-07T16:30:00Z")).status, 201u);
  core::scheduling::AvailabilityRequest request{
      core::ServiceId{art_}, core::ParseLocalDate("2026-12-07").value(),
      core::ParseLocalDate("2026-12-09").value(), std::nullopt};
  auto result = app::GetAvailability(*storage_, clock_, "mission-sports-chiro", request);
  ASSERT_TRUE(result) << result.error().message();
  std::size_t options = 0;
  for (const auto& day : result->days) {
    for (const auto& slot : day.slots) options += slot.option_count;
  }
  ASSERT_GT(options, result->days.at(0).slots.size());  // some slots offer two practitioners
  EXPECT_EQ(Json::parse(json::AvailabilityText(*result)), json::AvailabilityJson(*result));
}

TEST_F(BookingRoutesTest, AvailabilityIsGzippedForClientsThatAcceptIt) {
  http::Request request;
  request.path =
      base_ + "/availability?service=" + std::to_string(art_) + "&from=2026-12-07&to=2026-12-20";
  request.query = request.path.substr(request.path.find('?') + 1);
  request.path.resize(request.path.find('?'));
  http::Response plain = router_.Dispatch(request);
  ASSERT_EQ(plain.status, 200u) << plain.body;
  auto header = [](const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string("(none)");
  };
  EXPECT_EQ(header(plain, "Content-Encoding"), "(none)");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  request.headers = {{"accept-encoding", "gzip, deflate, br"}};
  http::Response packed = router_.Dispatch(request);  // the cached answer, compressed
  ASSERT_EQ(packed.status, 200u);
  EXPECT_EQ(header(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(packed, "Vary"), "Accept-Encoding");
  EXPECT_LT(packed.body.size() * 5, plain.body.size());
  EXPECT_EQ(http::testing::Gunzip(packed.body), plain.body);
}

TEST_F(BookingRoutesTest, AvailabilityErrorsNameTheParameter) {
  std::string service = "service=" + std::to_string(art_);
  struct Case {
    std::string query;
    unsigned status;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {"from=2026-12-07&to=2026-12-08", 400, "service"},
           {"service=abc&from=2026-12-07&to=2026-12-08", 400, "service"},
           {service + "&from=2026-12-7&to=2026-12-08", 400, "from"},
           {service + "&from=2026-12-07", 400, "to"},
           {service + "&from=2026-12-08&to=2026-12-07", 400, "to"},
           {service + "&from=2026-12-01&to=2027-01-15", 400, "to"},
           {"service=999&from=2026-12-07&to=2026-12-08", 404, "service"},
           {service + "&from=2026-12-07&to=2026-12-08&practitioner=999", 404, "practitioner"},
       }) {
    auto r = Get(base_ + "/availability?" + c.query);
    EXPECT_EQ(r.status, c.status) << c.query << " " << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(FirstField(r), c.field) << c.query << " " << r.body;
  }
}

TEST_F(BookingRoutesTest, AvailabilityIsFreshAfterEveryBooking) {
  std::string query = base_ + "/availability?service=" + std::to_string(art_) +
                      "&from=2026-12-08&to=2026-12-08&practitioner=" + std::to_string(okafor_);
  auto before = Body(Get(query));
  ASSERT_EQ(before["days"][0]["slots"][4]["start"], "2026-12-08T17:00:00Z");  // 09:00 local
  ASSERT_EQ(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z")).status, 201u);
  auto after = Body(Get(query));  // asked again at once: the cached answer must not be used
  for (const auto& slot : after["days"][0]["slots"]) {
    EXPECT_NE(slot["start"], "2026-12-08T17:00:00Z");
  }
  EXPECT_LT(after["days"][0]["slots"].size(), before["days"][0]["slots"].size());
}

TEST_F(BookingRoutesTest, BookReadCancel) {
  auto booked = Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z"));
  ASSERT_EQ(booked.status, 201u) << booked.body;
  auto body = Body(booked);
  std::string token = body["manage_token"];
  std::int64_t id = body["appointment"]["id"];
  EXPECT_EQ(body["appointment"]["local_start"], "2026-12-08T09:00:00");
  EXPECT_EQ(body["appointment"]["status"], "booked");
  std::string path = base_ + "/appointments/" + std::to_string(id);

  // The link carries the token in its fragment, which browsers never send to a server.
  EXPECT_EQ(body["manage_url"],
            "/c/mission-sports-chiro/manage/" + std::to_string(id) + "#token=" + token);

  EXPECT_EQ(Get(path + "?token=" + token).status, 200u);  // old links and clients
  EXPECT_EQ(Get(path + "?token=wrong").status, 404u);
  EXPECT_EQ(Get(path).status, 404u);
  http::Request bearer;  // how the web app sends it
  bearer.path = path;
  bearer.headers.emplace_back("authorization", "Bearer " + token);
  EXPECT_EQ(router_.Dispatch(bearer).status, 200u);
  bearer.headers.back().second = "Bearer wrong";
  EXPECT_EQ(router_.Dispatch(bearer).status, 404u);

  auto cancelled = Post(path + "/cancel", Json{{"token", token}});
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(Body(cancelled)["appointment"]["status"], "cancelled");
  auto again = Post(path + "/cancel", Json{{"token", token}});
  EXPECT_EQ(again.status, 409u);
}

TEST_F(BookingRoutesTest, ATakenSlotIsAConflictWithAlternatives) {
  ASSERT_EQ(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z")).status, 201u);
  auto taken = Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z", "b@example.org"));
  ASSERT_EQ(taken.status, 409u) << taken.body;
  auto body = Body(taken);
  EXPECT_EQ(body["reason"], "taken");
  ASSERT_FALSE(body["alternatives"].empty());
  EXPECT_EQ(body["alternatives"][0]["options"][0]["practitioner"], okafor_);
  EXPECT_EQ(body["practitioners"][0]["id"], okafor_);

  auto off_grid = Post(base_ + "/appointments", BookingBody("2026-12-08T17:05:00Z"));
  EXPECT_EQ(off_grid.status, 422u);
  EXPECT_EQ(Body(off_grid)["reason"], "not_on_step");
}

TEST_F(BookingRoutesTest, BadInputNamesTheField) {
  Json body = BookingBody("2026-12-08T17:00:00Z", "ana-at-example");
  EXPECT_EQ(FirstField(Post(base_ + "/appointments", body)), "patient.email");
  body = BookingBody("2026-12-08 17:00");
  EXPECT_EQ(FirstField(Post(base_ + "/appointments", body)), "start");
  body.erase("service");
  EXPECT_EQ(FirstField(Post(base_ + "/appointments", body)), "service");
  http::Request raw;
  raw.method = http::Method::kPost;
  raw.path = base_ + "/appointments";
  raw.headers = {{"content-type", "application/json"}};
  raw.body = "{not json";
  auto r = router_.Dispatch(raw);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(FirstField(r), "body");
}

// Regression: "A\u0000B" was stored as the patient's given name.
TEST_F(BookingRoutesTest, ControlCharactersAreRefusedAndNothingIsStored) {
  Json body = BookingBody("2026-12-08T17:00:00Z");
  body["patient"]["given_name"] = std::string("A\0B", 3);
  auto r = Post(base_ + "/appointments", body);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(FirstField(r), "patient.given_name");
  EXPECT_NE(Body(r)["errors"][0]["reason"].get<std::string>().find("control characters"),
            std::string::npos);
  body["patient"]["given_name"] = "Ana";
  body["patient"]["family_name"] = "Ruiz\r\nBcc: someone";
  EXPECT_EQ(FirstField(Post(base_ + "/appointments", body)), "patient.family_name");
  // Nothing was booked: the slot is still free for a good request.
  body["patient"]["family_name"] = "Ruiz";
  EXPECT_EQ(Post(base_ + "/appointments", body).status, 201u);
}

// What JavaScript's toISOString writes.
TEST_F(BookingRoutesTest, StartsWithMillisecondsAreAccepted) {
  auto booked = Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00.000Z"));
  ASSERT_EQ(booked.status, 201u) << booked.body;
  EXPECT_EQ(Body(booked)["appointment"]["start"], "2026-12-08T17:00:00Z");
  auto fraction = Post(base_ + "/appointments", BookingBody("2026-12-08T18:00:00.250Z"));
  EXPECT_EQ(fraction.status, 400u);
  EXPECT_EQ(FirstField(fraction), "start");
}

TEST_F(BookingRoutesTest, ABodyThatIsNotJsonSaysWhereItFails) {
  for (const char* text : {"1e999", "0x2", "{\"service\": 1e999}"}) {
    auto r = PostText(base_ + "/appointments", text);
    EXPECT_EQ(r.status, 400u) << text;
    EXPECT_EQ(FirstField(r), "body") << text;
    std::string reason = Body(r)["errors"][0]["reason"];
    EXPECT_EQ(reason.rfind("is not valid JSON at byte ", 0), 0u) << reason;
  }
  // A cancel's body is optional, but one that is sent must be JSON.
  auto booked = Body(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z")));
  http::Request cancel;
  cancel.method = http::Method::kPost;
  cancel.path = base_ + "/appointments/" +
                std::to_string(booked["appointment"]["id"].get<std::int64_t>()) + "/cancel";
  cancel.headers = {{"authorization", "Bearer " + booked["manage_token"].get<std::string>()},
                    {"content-type", "application/json"}};
  cancel.body = "token=abc";
  auto refused = router_.Dispatch(cancel);
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(FirstField(refused), "body");
  // The same body sent as a form (what a cross-site HTML form can send) is refused before any
  // handler reads it, and nothing changes.
  cancel.headers[1].second = "application/x-www-form-urlencoded";
  EXPECT_EQ(router_.Dispatch(cancel).status, 415u);
  cancel.headers[1].second = "application/json";
  cancel.body.clear();
  EXPECT_EQ(router_.Dispatch(cancel).status, 200u);
}

TEST_F(BookingRoutesTest, IdempotencyKeyReplaysTheFirstAnswer) {
  std::vector<std::pair<std::string, std::string>> key = {{"idempotency-key", "abc-123"}};
  auto first = Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z"), key);
  ASSERT_EQ(first.status, 201u);
  auto second = Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z"), key);
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_EQ(second.body, first.body);
  auto different = Post(base_ + "/appointments", BookingBody("2026-12-09T17:00:00Z"), key);
  EXPECT_EQ(different.status, 400u);
  EXPECT_EQ(FirstField(different), "Idempotency-Key");
}

TEST_F(BookingRoutesTest, RescheduleMovesTheAppointment) {
  auto booked = Body(Post(base_ + "/appointments", BookingBody("2026-12-08T17:00:00Z")));
  std::string path =
      base_ + "/appointments/" + std::to_string(booked["appointment"]["id"].get<std::int64_t>());
  auto moved = Post(path + "/reschedule",
                    Json{{"token", booked["manage_token"]}, {"start", "2026-12-09T18:00:00Z"}});
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(Body(moved)["appointment"]["start"], "2026-12-09T18:00:00Z");
  auto wrong =
      Post(path + "/reschedule", Json{{"token", "nope"}, {"start", "2026-12-09T18:00:00Z"}});
  EXPECT_EQ(wrong.status, 404u);
}

}  // namespace
}  // namespace unknot::api
