#include "api/json/staff_json.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"

namespace unknot::api::json {
namespace {

using nlohmann::json;

class StaffJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto setup = app::DemoClinicSetup(now_);
    ASSERT_TRUE(setup);
    // Ids as storage would assign them.
    for (std::size_t i = 0; i < setup->practitioners.size(); ++i) {
      setup->practitioners[i].id = core::PractitionerId{static_cast<std::int64_t>(i + 1)};
    }
    for (std::size_t i = 0; i < setup->services.size(); ++i) {
      setup->services[i].id = core::ServiceId{static_cast<std::int64_t>(i + 1)};
    }
    for (std::size_t i = 0; i < setup->rooms.size(); ++i) {
      setup->rooms[i].id = core::RoomId{static_cast<std::int64_t>(i + 1)};
    }
    clinic_.emplace(
        app::ClinicContext{std::make_shared<const core::clinic::ClinicSetup>(std::move(*setup)),
                           core::TimeZone::Find("America/Los_Angeles").value()});
    record_.patient = {core::PatientId{5}, "Ana", "Ruiz", "ana@example.org", "+14155550142", now_};
    const core::Instant start = core::ParseInstant("2026-12-01T17:00:00Z").value();
    record_.appointments.push_back(core::scheduling::Appointment{
        .id = core::AppointmentId{9},
        .patient = core::PatientId{5},
        .practitioner = core::PractitionerId{1},
        .service = core::ServiceId{2},
        .room = core::RoomId{1},
        .time = core::Interval::Create(start, start + std::chrono::minutes{30}).value(),
        .blocked_until = start + std::chrono::minutes{40},
        .status = core::scheduling::AppointmentStatus::kBooked,
        .source = core::scheduling::BookingSource::kPhone,
        .created_at = now_,
        .updated_at = now_,
        .cancelled_at = std::nullopt,
        .assessment = core::AssessmentId{4}});
    assessment_.id = core::AssessmentId{4};
    assessment_.input_json = R"({"knots": []})";
    assessment_.result_json = R"({"outcome": "book_online"})";
    assessment_.created_at = now_;
  }

  core::Instant now_ = core::ParseInstant("2026-11-26T18:00:00Z").value();
  std::optional<app::ClinicContext> clinic_;
  PatientRecord record_;
  core::ports::StoredAssessment assessment_;
};

TEST_F(StaffJsonTest, ARecordWithItsAssessments) {
  record_.assessments = std::vector{assessment_};
  auto out = PatientRecordJson(*clinic_, record_);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ((*out)["patient"]["family_name"], "Ruiz");
  EXPECT_EQ((*out)["patient"]["created_at"], "2026-11-26T18:00:00Z");
  const json& appointment = (*out)["appointments"][0];
  EXPECT_EQ(appointment["id"], 9);
  EXPECT_EQ(appointment["assessment_id"], 4);
  EXPECT_EQ(appointment["source"], "phone");
  EXPECT_EQ(appointment["local_start"], "2026-12-01T09:00:00");
  EXPECT_EQ(appointment["practitioner"]["display_name"], "Dr. Maya Okafor, DC");
  EXPECT_EQ((*out)["assessments"][0], json::parse(R"({"id": 4, "created_at": "2026-11-26T18:00:00Z",
                            "outcome": "book_online", "input": {"knots": []},
                            "result": {"outcome": "book_online"}})"));
}

TEST_F(StaffJsonTest, WithheldAssessmentsAreAbsentNotEmpty) {
  record_.assessments = std::nullopt;
  auto out = PatientRecordJson(*clinic_, record_);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->contains("assessments"));
  EXPECT_EQ((*out)["appointments"].size(), 1u);  // the appointment still names it
}

TEST_F(StaffJsonTest, StoredTextThatIsNotJsonIsAnInternalError) {
  assessment_.result_json = "{not json";
  record_.assessments = std::vector{assessment_};
  auto out = PatientRecordJson(*clinic_, record_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::ErrorCode::kInternal);
  EXPECT_EQ(out.error().message().find("not json"), std::string::npos);  // never the content
}

TEST_F(StaffJsonTest, SummaryAndAuditEntryUseNullForWhatIsAbsent) {
  core::ports::PatientSummary summary{record_.patient, std::nullopt, now_};
  EXPECT_EQ(PatientSummaryJson(summary),
            json::parse(R"({"id": 5, "given_name": "Ana", "family_name": "Ruiz",
                            "email": "ana@example.org", "phone": "+14155550142",
                            "next_appointment": null,
                            "last_appointment": "2026-11-26T18:00:00Z"})"));
  core::staff::AuditEntry entry;
  entry.sequence = 1;
  entry.action = "sign_in_failed";
  entry.staff_email = "who@example.org";
  entry.at = now_;
  EXPECT_EQ(AuditEntryJson(entry),
            json::parse(R"({"sequence": 1, "at": "2026-11-26T18:00:00Z", "staff_id": null,
                            "staff_email": "who@example.org", "role": null,
                            "action": "sign_in_failed", "patient_id": null, "record": "",
                            "detail": "", "client_address": "", "request_id": ""})"));
}

}  // namespace
}  // namespace unknot::api::json
