#include "api/fhir/fhir_routes.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

#include "api/fhir/bulk_publish.hpp"
#include "api/fhir/fhir_resources.hpp"
#include "api/http/testing/gunzip.hpp"
#include "api/test_fixture.hpp"

namespace unknot::api::fhir {
namespace {

using ::testing::HasSubstr;

// A stream's receiving end as the tests drive it: keeps what is sent, and the producer's waiting
// WhenDrained callback, which the test runs when it has "written" the pieces.
class CollectingSink final : public http::StreamSink {
 public:
  bool Send(std::string data) override {
    if (closed) return false;
    pieces.push_back(std::move(data));
    return true;
  }
  void Close() override { closed = true; }
  void Abort() override { closed = aborted = true; }
  bool open() const override { return !closed; }
  void WhenDrained(std::function<void()> ready) override { drained = std::move(ready); }

  std::vector<std::string> pieces;
  bool closed = false;
  bool aborted = false;
  std::function<void()> drained;
};

class FhirRoutesTest : public PublicRoutesFixture {
 protected:
  void SetUp() override {
    PublicRoutesFixture::SetUp();
    AddFhirRoutes(router_, *storage_, clock_, tokens_);
    setup_ = *storage_->LoadSetup(storage_->FindClinic("mission-sports-chiro")->id).value();
  }

  http::Response Fetch(const std::string& target,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request request;
    auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    request.headers = std::move(headers);
    auto routed = router_.Route(request);
    if (auto* start = std::get_if<http::StreamStart>(&routed)) return Drain(std::move(*start));
    if (auto* response = std::get_if<http::Response>(&routed)) return std::move(*response);
    return router_.Dispatch(request);
  }

  // A streamed answer as the client gets it: the head, then every piece, each asked for once
  // the one before was taken. The pieces are kept in last_pieces_.
  http::Response Drain(http::StreamStart start) {
    http::Response response;
    response.status = start.status;
    response.content_type = start.content_type;
    response.headers = start.headers;
    auto sink = std::make_shared<CollectingSink>();
    if (start.on_open) start.on_open(sink);
    std::size_t asked = 0;
    while (sink->drained) {
      EXPECT_EQ(sink->pieces.size(), asked + 1) << "one piece per request for more";
      asked = sink->pieces.size();
      std::exchange(sink->drained, nullptr)();
    }
    EXPECT_TRUE(sink->closed);
    EXPECT_FALSE(sink->aborted);
    for (const auto& piece : sink->pieces) response.body += piece;
    last_pieces_ = sink->pieces;
    return response;
  }

  nlohmann::json Resource(const std::string& target, unsigned status = 200) {
    auto r = Fetch(target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/fhir+json") << target;
    return nlohmann::json::parse(r.body);
  }

  // An OperationOutcome with `status` whose first issue names `expression` (if not empty).
  void ExpectOutcome(const std::string& target, unsigned status, const std::string& expression) {
    auto body = Resource(target, status);
    EXPECT_EQ(body["resourceType"], "OperationOutcome") << target;
    EXPECT_EQ(body["issue"][0]["severity"], "error");
    if (!expression.empty()) {
      EXPECT_EQ(body["issue"][0]["expression"][0], expression) << target;
    }
  }

  std::string ServiceSlug(const std::string& slug) {
    for (const auto& s : setup_.services) {
      if (s.slug == slug) return std::to_string(s.id.value());
    }
    return "";
  }

  core::clinic::ClinicSetup setup_;
  std::vector<std::string> last_pieces_;
  const std::string fhir_ = "/fhir/mission-sports-chiro";
};

TEST_F(FhirRoutesTest, MetadataListsWhatIsImplemented) {
  auto cap = Resource(fhir_ + "/metadata");
  EXPECT_EQ(cap["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cap["fhirVersion"], "4.0.1");
  std::set<std::string> types;
  for (const auto& r : cap["rest"][0]["resource"]) types.insert(r["type"]);
  EXPECT_EQ(types, (std::set<std::string>{"Location", "Practitioner", "PractitionerRole",
                                          "HealthcareService", "Schedule", "Slot", "Appointment"}));
}

TEST_F(FhirRoutesTest, LocationHasAddressPhoneAndZone) {
  auto location = Resource(fhir_ + "/Location/mission-sports-chiro");
  EXPECT_EQ(location["address"]["city"], "San Francisco");
  EXPECT_EQ(location["address"]["line"][1], "Suite 200");
  EXPECT_EQ(location["telecom"][0]["value"], "+14155550134");
  EXPECT_EQ(location["extension"][0]["url"], std::string(kTimeZoneExtension));
  EXPECT_EQ(location["extension"][0]["valueCode"], "America/Los_Angeles");
}

TEST_F(FhirRoutesTest, OneResourcePerPractitionerAndService) {
  auto practitioners = Resource(fhir_ + "/Practitioner");
  EXPECT_EQ(practitioners["type"], "searchset");
  EXPECT_EQ(practitioners["total"], setup_.practitioners.size());
  EXPECT_EQ(Resource(fhir_ + "/Schedule")["total"], setup_.practitioners.size());
  EXPECT_EQ(Resource(fhir_ + "/HealthcareService")["total"], setup_.services.size());
  const std::string okafor = std::to_string(setup_.practitioners[0].id.value());
  // Dr. Okafor is ART certified: a qualification, and a specialty of her role.
  auto practitioner = Resource(fhir_ + "/Practitioner/" + okafor);
  EXPECT_EQ(practitioner["qualification"][0]["code"]["coding"][0]["code"],
            "active_release_technique");
  auto role = Resource(fhir_ + "/PractitionerRole/" + okafor);
  EXPECT_EQ(role["code"][0]["coding"][0]["code"], "chiropractor");
  EXPECT_EQ(role["practitioner"]["reference"], "Practitioner/" + okafor);
  EXPECT_FALSE(role["healthcareService"].empty());
  auto one = Resource(fhir_ + "/Practitioner?_id=" + okafor);
  EXPECT_EQ(one["total"], 1);
}

TEST_F(FhirRoutesTest, ErrorsAreOperationOutcomes) {
  ExpectOutcome(fhir_ + "/Practitioner?name=okafor", 400, "name");
  ExpectOutcome(fhir_ + "/Slot?start=ge2026-12-07&foo=1", 400, "foo");
  ExpectOutcome(fhir_ + "/Slot?start=gt2026-12-07", 400, "start");
  ExpectOutcome(fhir_ + "/Slot?status=busy", 400, "status");
  ExpectOutcome(fhir_ + "/Slot?_count=0", 400, "_count");
  ExpectOutcome(fhir_ + "/Slot?_count=1001", 400, "_count");
  ExpectOutcome(fhir_ + "/Slot?start=ge2026-12-01&start=lt2027-01-15", 400, "start");
  ExpectOutcome(fhir_ + "/Patient", 404, "");
  ExpectOutcome(fhir_ + "/Practitioner/999", 404, "");
  ExpectOutcome(fhir_ + "/Slot/1-1-1", 404, "");
  ExpectOutcome("/fhir/no-such-clinic/metadata", 404, "");
  ExpectOutcome(fhir_ + "/Practitioner/1/_history", 404, "");
  http::Request post;
  post.method = http::Method::kPost;
  post.path = fhir_ + "/Practitioner";
  auto refused = router_.Dispatch(post);
  EXPECT_EQ(refused.status, 405u);
  EXPECT_THAT(refused.body, HasSubstr("OperationOutcome"));
}

TEST_F(FhirRoutesTest, SlotSearchPagesWithNextLinks) {
  const std::string query = fhir_ + "/Slot?start=ge2026-12-07&start=lt2026-12-08&status=free";
  auto all = Resource(query + "&_count=500");
  std::size_t total = all["total"];
  ASSERT_GT(total, 10u);
  ASSERT_EQ(all["entry"].size(), total);
  std::vector<std::string> paged;
  std::string next = query + "&_count=7";
  int pages = 0;
  while (!next.empty()) {
    auto page = Resource(next);
    EXPECT_LE(page["entry"].size(), 7u);
    for (const auto& e : page["entry"]) paged.push_back(e["resource"]["id"]);
    next.clear();
    for (const auto& link : page["link"]) {
      if (link["relation"] == "next") {
        std::string url = link["url"];
        next = url.substr(url.find("/fhir/"));
      }
    }
    ++pages;
  }
  EXPECT_EQ(pages, static_cast<int>((total + 6) / 7));
  ASSERT_EQ(paged.size(), total);
  for (std::size_t i = 0; i < total; ++i) EXPECT_EQ(paged[i], all["entry"][i]["resource"]["id"]);
}

// The same engine: FHIR's free slots for one service and day are exactly the JSON API's
// (start, practitioner) pairs.
TEST_F(FhirRoutesTest, SlotSearchEqualsJsonAvailability) {
  for (const char* slug : {"art-session", "deep-tissue-60"}) {
    std::string service = ServiceSlug(slug);
    ASSERT_FALSE(service.empty()) << slug;
    auto json = Body(Get("/api/v1/clinics/mission-sports-chiro/availability?service=" + service +
                         "&from=2026-12-08&to=2026-12-08"));
    std::set<std::pair<std::string, std::string>> expected;
    for (const auto& slot : json["days"][0]["slots"]) {
      for (const auto& option : slot["options"]) {
        expected.insert({slot["start"].get<std::string>(),
                         "Schedule/" + std::to_string(option["practitioner"].get<int>())});
      }
    }
    auto bundle = Resource(fhir_ + "/Slot?service-type=" + std::string(kServiceSystem) + "%7C" +
                           slug + "&start=ge2026-12-08&start=lt2026-12-09&_count=500");
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& e : bundle["entry"]) {
      got.insert({e["resource"]["start"].get<std::string>(),
                  e["resource"]["schedule"]["reference"].get<std::string>()});
      EXPECT_EQ(e["resource"]["serviceType"][0]["coding"][0]["code"], slug);
    }
    EXPECT_FALSE(expected.empty()) << slug;
    EXPECT_EQ(got, expected) << slug;
  }
}

// Slot search answers are reused like the JSON availability's, but never after a write: a time
// booked through the JSON API is gone from the very next search. Gzip is the same text.
TEST_F(FhirRoutesTest, SlotSearchNeverAnswersFromBeforeAWrite) {
  const std::string target =
      fhir_ + "/Slot?service-type=art-session&start=ge2026-12-08&start=lt2026-12-09&_count=500";
  auto before = Resource(target);
  ASSERT_FALSE(before["entry"].empty());
  EXPECT_EQ(Resource(target), before) << "asked again with nothing written: the same answer";
  const auto& first = before["entry"][0]["resource"];
  const std::string practitioner =
      first["schedule"]["reference"].get<std::string>().substr(std::string("Schedule/").size());
  auto booked = Post("/api/v1/clinics/mission-sports-chiro/appointments",
                     {{"service", std::stoll(ServiceSlug("art-session"))},
                      {"practitioner", std::stoll(practitioner)},
                      {"start", first["start"]},
                      {"patient",
                       {{"given_name", "Ana"},
                        {"family_name", "Ruiz"},
                        {"email", "ana@example.org"},
                        {"phone", "+14155550142"}}}});
  ASSERT_EQ(booked.status, 201u) << booked.body;
  auto after = Resource(target);
  // That start and any other of the same practitioner it overlaps are gone.
  EXPECT_LT(after["total"].get<int>(), before["total"].get<int>());
  for (const auto& e : after["entry"]) EXPECT_NE(e["resource"]["id"], first["id"]);

  http::Request zipped;
  zipped.path = fhir_ + "/Slot";
  zipped.query = target.substr(target.find('?') + 1);
  zipped.headers.emplace_back("accept-encoding", "gzip");
  auto packed = router_.Dispatch(zipped);
  ASSERT_EQ(packed.status, 200u);
  EXPECT_EQ(packed.content_type, "application/fhir+json");
  EXPECT_THAT(packed.headers,
              ::testing::Contains(std::pair<std::string, std::string>("Content-Encoding", "gzip")));
  EXPECT_EQ(nlohmann::json::parse(http::testing::Gunzip(packed.body)), after);
}

TEST_F(FhirRoutesTest, SlotsOfOneScheduleCarryBothExtensionsAndReadBack) {
  const std::string okafor = std::to_string(setup_.practitioners[0].id.value());
  auto bundle = Resource(fhir_ + "/Slot?schedule=Schedule/" + okafor +
                         "&start=ge2026-12-07T16:00:00Z&start=lt2026-12-07T18:00:00Z");
  ASSERT_FALSE(bundle["entry"].empty());
  for (const auto& e : bundle["entry"]) {
    const auto& slot = e["resource"];
    EXPECT_EQ(slot["schedule"]["reference"], "Schedule/" + okafor);
    EXPECT_GE(slot["start"].get<std::string>(), "2026-12-07T16:00:00Z");
    EXPECT_LT(slot["start"].get<std::string>(), "2026-12-07T18:00:00Z");
    EXPECT_EQ(slot["extension"][0]["url"], std::string(kBookingDeepLinkExtension));
    // The deep link is Links::BookingDeepLink's (SlotWriter writes its shared part once).
    const std::string code = slot["serviceType"][0]["coding"][0]["code"];
    const Links links{.origin = "", .slug = "mission-sports-chiro"};
    const std::string link = links.BookingDeepLink(
        core::ServiceId{std::stoll(ServiceSlug(code))}, core::PractitionerId{std::stoll(okafor)},
        *core::ParseInstant(slot["start"].get<std::string>()));
    EXPECT_THAT(slot["extension"][0]["valueUrl"].get<std::string>(), ::testing::EndsWith(link));
    EXPECT_EQ(slot["extension"][1]["url"], std::string(kBookingPhoneExtension));
    EXPECT_EQ(slot["extension"][1]["valueString"], "+14155550134");
  }
  std::string id = bundle["entry"][0]["resource"]["id"];
  EXPECT_EQ(Resource(fhir_ + "/Slot/" + id), bundle["entry"][0]["resource"]);
  // An unknown schedule matches nothing (it is not an error).
  EXPECT_EQ(Resource(fhir_ + "/Slot?schedule=Schedule/999")["total"], 0);
}

TEST_F(FhirRoutesTest, AppointmentReadsWithTheManageTokenOnly) {
  auto booked = Post("/api/v1/clinics/mission-sports-chiro/appointments",
                     {{"service", std::stoll(ServiceSlug("art-session"))},
                      {"start", "2026-12-07T17:00:00Z"},
                      {"patient",
                       {{"given_name", "Ana"},
                        {"family_name", "Ruiz"},
                        {"email", "ana@example.org"},
                        {"phone", "+14155550142"}}}});
  ASSERT_EQ(booked.status, 201u) << booked.body;
  std::string id = std::to_string(Body(booked)["appointment"]["id"].get<std::int64_t>());
  std::string token = Body(booked)["manage_token"];
  auto read = [&](const std::string& bearer) {
    return Fetch(fhir_ + "/Appointment/" + id, {{"authorization", "Bearer " + bearer}});
  };
  auto r = read(token);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto appointment = nlohmann::json::parse(r.body);
  EXPECT_EQ(appointment["resourceType"], "Appointment");
  EXPECT_EQ(appointment["status"], "booked");
  EXPECT_EQ(appointment["start"], "2026-12-07T17:00:00Z");
  EXPECT_EQ(appointment["serviceType"][0]["coding"][0]["code"], "art-session");
  EXPECT_EQ(appointment["participant"][0]["actor"]["reference"],
            "Practitioner/" + std::to_string(setup_.practitioners[0].id.value()));
  EXPECT_EQ(r.body.find("Ruiz"), std::string::npos);  // the patient is not published
  EXPECT_EQ(read("wrong").status, 404u);
  EXPECT_THAT(read("wrong").body, HasSubstr("OperationOutcome"));
  EXPECT_EQ(Fetch(fhir_ + "/Appointment/" + id).status, 404u);
  ExpectOutcome(fhir_ + "/Appointment", 400, "");
  auto cancelled = Post("/api/v1/clinics/mission-sports-chiro/appointments/" + id + "/cancel",
                        {{"token", token}});
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(nlohmann::json::parse(read(token).body)["status"], "cancelled");
}

TEST_F(FhirRoutesTest, BulkPublishManifestFilesAndReferences) {
  auto r = Fetch(fhir_ + "/$bulk-publish", {{"host", "clinic.example"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto manifest = nlohmann::json::parse(r.body);
  EXPECT_EQ(manifest["transactionTime"], "2026-11-26T18:00:00Z");
  EXPECT_EQ(manifest["request"], "http://clinic.example/fhir/mission-sports-chiro/$bulk-publish");
  EXPECT_EQ(manifest["error"], nlohmann::json::array());
  ASSERT_EQ(manifest["output"].size(), 3u);
  std::map<std::string, std::vector<nlohmann::json>> files;
  for (const auto& output : manifest["output"]) {
    std::string url = output["url"];
    auto file = Fetch(url.substr(url.find("/fhir/")));
    ASSERT_EQ(file.status, 200u) << url;
    EXPECT_EQ(file.content_type, "application/fhir+ndjson");
    std::istringstream lines(file.body);
    for (std::string line; std::getline(lines, line);) {
      auto resource = nlohmann::json::parse(line);
      EXPECT_EQ(resource["resourceType"], output["type"]);
      files[output["type"]].push_back(std::move(resource));
    }
  }
  ASSERT_EQ(files["Location"].size(), 1u);
  std::set<std::string> schedules;
  for (const auto& s : files["Schedule"]) {
    schedules.insert("Schedule/" + s["id"].get<std::string>());
    EXPECT_EQ(s["actor"][1]["reference"],
              "Location/" + files["Location"][0]["id"].get<std::string>());
  }
  ASSERT_GT(files["Slot"].size(), 100u);
  for (const auto& slot : files["Slot"]) {
    EXPECT_EQ(schedules.count(slot["schedule"]["reference"]), 1u) << slot.dump();
    EXPECT_EQ(slot["extension"].size(), 2u);
  }
}

TEST_F(FhirRoutesTest, BulkPublishAnswersNotModified) {
  auto first = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson");
  ASSERT_EQ(first.status, 200u);
  std::string etag, modified;
  for (const auto& [name, value] : first.headers) {
    if (name == "ETag") etag = value;
    if (name == "Last-Modified") modified = value;
  }
  // A strong tag of what determines the bytes, not of the bytes (made after the head).
  EXPECT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_NE(etag, EntityTag(first.body));
  EXPECT_EQ(modified, "Thu, 26 Nov 2026 18:00:00 GMT");
  auto same = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson");
  EXPECT_EQ(same.body, first.body);
  EXPECT_EQ(same.headers, first.headers);
  // Another origin has other deep links, so another tag.
  auto elsewhere = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"host", "clinic.example"}});
  EXPECT_NE(elsewhere.headers, first.headers);
  // HEAD: the head alone.
  http::Request head;
  head.method = http::Method::kHead;
  head.path = fhir_ + "/$bulk-publish/Slot.ndjson";
  auto head_only = router_.Dispatch(head);
  EXPECT_EQ(head_only.status, 200u);
  EXPECT_EQ(head_only.content_type, "application/fhir+ndjson");
  EXPECT_EQ(head_only.headers, first.headers);
  EXPECT_TRUE(head_only.body.empty());
  auto again = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  auto since = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-modified-since", modified}});
  EXPECT_EQ(since.status, 304u);
  // An earlier date, or one that is not an IMF-fixdate, gets the file.
  for (const char* date : {"Thu, 26 Nov 2026 17:59:59 GMT", "Thu, 26 Nov 2026 18:00:00 UTC",
                           "Thu, 31 Nov 2026 18:00:00 GMT", "Thursday, 26-Nov-26 18:00:00 GMT",
                           "Thu, 26 Nov 2026 24:00:00 GMT", ""}) {
    SCOPED_TRACE(date);
    EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-modified-since", date}}).status,
              200u);
  }
  EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Slot.ndjson",
                  {{"if-modified-since", "Fri, 27 Nov 2026 09:30:00 GMT"}})
                .status,
            304u);
  // A booking takes a slot: the file changes, and so does its tag.
  auto booked = Post("/api/v1/clinics/mission-sports-chiro/appointments",
                     {{"service", std::stoll(ServiceSlug("art-session"))},
                      {"start", "2026-12-07T17:00:00Z"},
                      {"patient",
                       {{"given_name", "Ana"},
                        {"family_name", "Ruiz"},
                        {"email", "ana@example.org"},
                        {"phone", "+14155550142"}}}});
  ASSERT_EQ(booked.status, 201u) << booked.body;
  auto changed = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-none-match", etag}});
  EXPECT_EQ(changed.status, 200u);
  EXPECT_NE(changed.body, first.body);
  // The clock moves on to the next minute: another window, another tag.
  std::string changed_tag;
  for (const auto& [name, value] : changed.headers) {
    if (name == "ETag") changed_tag = value;
  }
  EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-none-match", changed_tag}}).status,
            304u);
  clock_.Set(clock_.Now() + std::chrono::seconds{59});
  EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-none-match", changed_tag}}).status,
            304u);
  clock_.Set(clock_.Now() + std::chrono::seconds{1});
  EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Slot.ndjson", {{"if-none-match", changed_tag}}).status,
            200u);
}

// Slot.ndjson is made and sent piece by piece, each of whole lines and about kPieceBytes, so the
// server holds one piece at a time (Drain checks that each piece came only when asked for).
TEST_F(FhirRoutesTest, BulkPublishStreamsTheSlotFileInBoundedPieces) {
  auto file = Fetch(fhir_ + "/$bulk-publish/Slot.ndjson");
  ASSERT_EQ(file.status, 200u);
  ASSERT_GT(last_pieces_.size(), 2u);
  std::size_t lines = 0;
  for (const auto& piece : last_pieces_) {
    EXPECT_LT(piece.size(), kPieceBytes + 4096);
    EXPECT_EQ(piece.back(), '\n');
    lines += static_cast<std::size_t>(std::count(piece.begin(), piece.end(), '\n'));
  }
  // Ordered by start across the day boundaries, and no slot twice.
  std::istringstream in(file.body);
  std::set<std::string> ids;
  std::string previous;
  for (std::string line; std::getline(in, line);) {
    auto slot = nlohmann::json::parse(line);
    EXPECT_TRUE(ids.insert(slot["id"].get<std::string>()).second) << slot["id"];
    EXPECT_LE(previous, slot["start"].get<std::string>());
    previous = slot["start"];
  }
  EXPECT_EQ(ids.size(), lines);
  // The window: from now to now plus the 60-day horizon.
  EXPECT_GE(previous, "2027-01-20");
  EXPECT_LT(previous, "2027-01-25T18:00:00Z");
  // The small files come whole, in one piece.
  EXPECT_EQ(Fetch(fhir_ + "/$bulk-publish/Schedule.ndjson").status, 200u);
  EXPECT_EQ(last_pieces_.size(), 1u);
}

}  // namespace
}  // namespace unknot::api::fhir
