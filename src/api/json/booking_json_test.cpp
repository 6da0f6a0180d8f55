#include "api/json/booking_json.hpp"

#include <gtest/gtest.h>

#include "app/demo_clinic.hpp"
#include "instants.hpp"

namespace unknot::api::json {
namespace {

using namespace std::chrono_literals;
using core::scheduling::DaySlots;
using core::scheduling::Slot;
using core::scheduling::SlotOption;

using unknot::testing::At;

app::AvailabilityResult Result(const char* zone, std::vector<DaySlots> days) {
  core::clinic::ClinicSetup setup = app::DemoClinicSetup(At("2026-10-20T18:00:00Z")).value();
  for (std::size_t i = 0; i < setup.practitioners.size(); ++i) {
    setup.practitioners[i].id = core::PractitionerId{static_cast<std::int64_t>(i + 1)};
  }
  for (std::size_t i = 0; i < setup.rooms.size(); ++i) {
    setup.rooms[i].id = core::RoomId{static_cast<std::int64_t>(i + 1)};
  }
  setup.services[1].id = core::ServiceId{2};
  setup.clinic.time_zone = zone;
  core::clinic::Service service = setup.services[1];
  return app::AvailabilityResult{
      app::ClinicContext{std::make_shared<const core::clinic::ClinicSetup>(std::move(setup)),
                         core::TimeZone::Find(zone).value()},
      std::move(service), std::move(days),
      core::Interval::Create(At("2000-01-01T00:00:00Z"), At("2100-01-01T00:00:00Z")).value()};
}

// Half-hour slots from `first`, `count` of them, each with one or two options.
DaySlots Day(core::LocalDate date, const char* first, int count) {
  DaySlots day{date, {}, {}};
  for (int i = 0; i < count; ++i) {
    const core::Instant start = At(first) + i * 30min;
    const auto at = static_cast<std::uint32_t>(day.options.size());
    day.options.push_back(SlotOption{core::PractitionerId{1}, core::RoomId{1}});
    if (i % 2 == 1) day.options.push_back(SlotOption{core::PractitionerId{12345}, core::RoomId{2}});
    day.slots.push_back(Slot{core::Interval::Create(start, start + 30min).value(), at,
                             static_cast<std::uint32_t>(day.options.size()) - at});
  }
  return day;
}

TEST(AvailabilityTextTest, LocalTimesFollowTheZoneAcrossAnOffsetChange) {
  // Los Angeles falls back at 09:00Z on 2026-11-01 (01:59:59 PDT, then 01:00 PST): the slots
  // from 07:00Z to 11:30Z show 00:00, 00:30, 01:00, 01:30 twice, 02:00, ... local; the UTC
  // date changes at midnight UTC (16:00 or 17:00 local) in the slots of the day before.
  auto result =
      Result("America/Los_Angeles", {Day(date::year{2026} / 10 / 31, "2026-10-31T22:00:00Z", 20),
                                     Day(date::year{2026} / 11 / 1, "2026-11-01T07:00:00Z", 10)});
  const std::string text = AvailabilityText(result);
  EXPECT_EQ(nlohmann::json::parse(text), AvailabilityJson(result));
  EXPECT_NE(text.find("\"start\":\"2026-11-01T08:30:00Z\",\"end\":\"2026-11-01T09:00:00Z\","
                      "\"local_start\":\"2026-11-01T01:30:00\""),
            std::string::npos);
  EXPECT_NE(text.find("\"start\":\"2026-11-01T09:30:00Z\",\"end\":\"2026-11-01T10:00:00Z\","
                      "\"local_start\":\"2026-11-01T01:30:00\",\"options\":[{\"practitioner\":1,"
                      "\"room\":1},{\"practitioner\":12345,\"room\":2}]"),
            std::string::npos);
}

TEST(AvailabilityTextTest, FarFromUtcAndYearsOutsideFourDigits) {
  auto far =
      Result("Pacific/Kiritimati", {Day(date::year{2026} / 12 / 2, "2026-12-01T09:00:00Z", 6)});
  EXPECT_EQ(nlohmann::json::parse(AvailabilityText(far)), AvailabilityJson(far));
  // Not what a clinic asks for, but the writer must not garble it.
  auto late = Result("UTC", {Day(date::year{10000} / 1 / 1, "9999-12-31T23:00:00Z", 4)});
  EXPECT_EQ(nlohmann::json::parse(AvailabilityText(late)), AvailabilityJson(late));
  auto empty = Result("UTC", {DaySlots{date::year{2026} / 12 / 2, {}, {}}});
  EXPECT_EQ(nlohmann::json::parse(AvailabilityText(empty)), AvailabilityJson(empty));
}

}  // namespace
}  // namespace unknot::api::json
