// The live calendar route without sockets: resume points, the event format, the gate (session,
// audit entry, no-store) and the practitioner's narrower view, with the stream's sink played by
// a fake that collects what would be sent.

#include "api/v1/calendar_stream.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http/stream.hpp"
#include "api/v1/staff_routes_fixture.hpp"

namespace unknot::api {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

http::Request WithHeaders(std::string query,
                          std::vector<std::pair<std::string, std::string>> headers) {
  http::Request request;
  request.query = std::move(query);
  request.headers = std::move(headers);
  return request;
}

TEST(ResumeAfterTest, TheHeaderWinsOverTheQueryAndNeitherMeansNow) {
  EXPECT_EQ(v1::ResumeAfter(WithHeaders("", {})).value(), std::nullopt);
  EXPECT_EQ(v1::ResumeAfter(WithHeaders("after=7", {})).value(), 7);
  EXPECT_EQ(v1::ResumeAfter(WithHeaders("after=0", {})).value(), 0);
  // A browser's EventSource reconnects to the same URL with the last id it saw in the header.
  EXPECT_EQ(v1::ResumeAfter(WithHeaders("after=7", {{"last-event-id", "42"}})).value(), 42);
  for (const char* bad : {"", "-1", "+3", " 3", "3 ", "1e3", "x", "99999999999999999999"}) {
    auto header = v1::ResumeAfter(WithHeaders("", {{"last-event-id", bad}}));
    ASSERT_FALSE(header) << bad;
    EXPECT_EQ(header.error().fields().at(0).field, "Last-Event-ID");
  }
  auto query = v1::ResumeAfter(WithHeaders("after=abc", {}));
  ASSERT_FALSE(query);
  EXPECT_EQ(query.error().fields().at(0).field, "after");
}

TEST(AppointmentEventTest, IsSmallAndCarriesItsChangeNumberAsId) {
  const core::Instant start = core::ParseInstant("2026-12-01T17:00:00Z").value();
  core::ports::AppointmentChange change{
      .change = 41,
      .appointment = {.id = core::AppointmentId{9},
                      .patient = core::PatientId{5},
                      .practitioner = core::PractitionerId{2},
                      .service = core::ServiceId{3},
                      .room = core::RoomId{4},
                      .time = core::Interval::Create(start, start + 30min).value(),
                      .blocked_until = start + 40min,
                      .status = core::scheduling::AppointmentStatus::kCancelled,
                      .source = core::scheduling::BookingSource::kPhone,
                      .created_at = start,
                      .updated_at = start,
                      .cancelled_at = start,
                      .assessment = std::nullopt}};
  EXPECT_EQ(v1::AppointmentEvent(change),
            "id: 41\nevent: appointment\n"
            R"(data: {"id":9,"change":41,"status":"cancelled","source":"phone","practitioner":2,)"
            R"("room":4,"service":3,"start":"2026-12-01T17:00:00Z","end":"2026-12-01T17:30:00Z"})"
            "\n\n");
  EXPECT_EQ(v1::ReadyEvent(40), "retry: 2000\nid: 40\nevent: ready\ndata: {\"change\":40}\n\n");
}

// Collects what a stream would send.
class FakeSink final : public http::StreamSink {
 public:
  bool Send(std::string data) override {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    sent_ += data;
    cv_.notify_all();
    return true;
  }
  void Close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  bool open() const override {
    std::lock_guard lock(mutex_);
    return !closed_;
  }
  // Waits up to 5 s until what was sent contains `text`.
  bool WaitFor(const std::string& text) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return sent_.find(text) != std::string::npos; });
  }
  std::string sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::string sent_;
  bool closed_ = false;
};

class CalendarStreamRouteTest : public StaffRoutesFixture {
 protected:
  void SetUp() override {
    StaffRoutesFixture::SetUp();
    live_ = std::make_unique<app::LiveChanges>(*storage_);
    v1::AddCalendarStreamRoutes(*staff_routes_, *live_, *storage_);
    patient_ = AddPatient("Ana", "Ruiz", "ana@example.org", "+14155550142");
  }
  void TearDown() override { live_.reset(); }

  // Opens the stream as `who` would, handing it a fake sink; nullptr when it was refused.
  std::shared_ptr<FakeSink> Open(const SignedIn& who, std::string query = "") {
    http::Request request;
    request.method = http::Method::kGet;
    request.path = base_ + "/calendar/events";
    request.query = std::move(query);
    request.headers.emplace_back("cookie", who.cookie);
    auto routed = router_.Route(request);
    auto* start = std::get_if<http::StreamStart>(&routed);
    if (start == nullptr) return nullptr;
    auto sink = std::make_shared<FakeSink>();
    start->on_open(sink);
    return sink;
  }

  std::unique_ptr<app::LiveChanges> live_;
  core::clinic::Patient patient_;
};

TEST_F(CalendarStreamRouteTest, TheGateChecksTheSessionAndRecordsTheOpening) {
  EXPECT_EQ(StaffGet(nullptr, base_ + "/calendar/events").status, 401u);
  http::Response bad = StaffGet(&desk_, base_ + "/calendar/events?after=soon");
  EXPECT_EQ(bad.status, 400u);
  const std::size_t entries = AuditLog().size();
  http::Response head = StaffGet(&desk_, base_ + "/calendar/events", "req-stream");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.content_type, "text/event-stream");
  EXPECT_EQ(HeaderOf(head, "Cache-Control"), "no-store");
  auto log = AuditLog();
  ASSERT_EQ(log.size(), entries + 1);
  EXPECT_EQ(log.front().request_id, "req-stream");
  EXPECT_EQ(log.front().detail, "stream opened");
}

TEST_F(CalendarStreamRouteTest, TheFrontDeskSeesEverythingAPractitionerTheirOwnSchedule) {
  auto desk = Open(desk_);
  auto okafor = Open(okafor_);
  ASSERT_TRUE(desk && okafor);
  EXPECT_TRUE(desk->WaitFor("event: ready"));
  EXPECT_TRUE(okafor->WaitFor("event: ready"));
  auto theirs = AddAppointment(patient_, 1, "2026-12-01T17:00:00Z");
  auto own = AddAppointment(patient_, 0, "2026-12-01T18:00:00Z");
  live_->Notify(clinic_.id);
  const std::string own_id = "\"id\":" + std::to_string(own.id.value()) + ",";
  const std::string their_id = "\"id\":" + std::to_string(theirs.id.value()) + ",";
  ASSERT_TRUE(desk->WaitFor(own_id));
  EXPECT_NE(desk->sent().find(their_id), std::string::npos);
  ASSERT_TRUE(okafor->WaitFor(own_id));
  EXPECT_EQ(okafor->sent().find(their_id), std::string::npos);
}

TEST_F(CalendarStreamRouteTest, AResumedStreamReplaysWhatCameAfterItsNumber) {
  auto first = AddAppointment(patient_, 0, "2026-12-01T17:00:00Z");
  auto second = AddAppointment(patient_, 0, "2026-12-01T18:00:00Z");
  // Without a resume point it starts now: nothing old.
  auto now = Open(owner_);
  ASSERT_TRUE(now && now->WaitFor("id: 2\nevent: ready"));
  // After change 1: the second appointment only, then what comes next.
  auto resumed = Open(owner_, "after=1");
  ASSERT_TRUE(resumed && resumed->WaitFor("id: 2\nevent: appointment"));
  EXPECT_EQ(resumed->sent().find("\"id\":" + std::to_string(first.id.value()) + ","),
            std::string::npos);
  EXPECT_NE(resumed->sent().find("\"id\":" + std::to_string(second.id.value()) + ","),
            std::string::npos);
  AddAppointment(patient_, 1, "2026-12-01T19:00:00Z");
  live_->Notify(clinic_.id);
  EXPECT_TRUE(resumed->WaitFor("id: 3\nevent: appointment"));
  EXPECT_TRUE(now->WaitFor("id: 3\nevent: appointment"));
  // A number from the future starts now.
  auto future = Open(owner_, "after=999");
  ASSERT_TRUE(future && future->WaitFor("id: 3\nevent: ready"));
}

}  // namespace
}  // namespace unknot::api
