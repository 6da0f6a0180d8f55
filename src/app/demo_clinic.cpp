#include "app/demo_clinic.hpp"

namespace unknot::app {
namespace {

using namespace std::chrono_literals;
using core::TimeOfDay;
using core::clinic::Break;
using core::clinic::PatientEligibility;
using core::clinic::Practitioner;
using core::clinic::Role;
using core::clinic::RoomKind;
using core::clinic::Service;
using core::clinic::Skill;
using core::clinic::WorkingHours;

TimeOfDay T(const char* hhmm) { return TimeOfDay::Parse(hhmm).value(); }

Practitioner Person(std::string slug, std::string name, Role role, std::vector<Skill> skills,
                    std::string bio) {
  Practitioner p;
  p.slug = std::move(slug);
  p.display_name = std::move(name);
  p.role = role;
  p.skills = std::move(skills);
  p.bio = std::move(bio);
  return p;
}

void AddDays(Practitioner& p, std::initializer_list<date::weekday> days, const char* start,
             const char* end, const char* break_start = nullptr, const char* break_end = nullptr,
             const char* break_label = "Lunch") {
  for (date::weekday day : days) {
    p.hours.push_back(WorkingHours{day, T(start), T(end)});
    if (break_start != nullptr) {
      p.breaks.push_back(Break{day, T(break_start), T(break_end), break_label});
    }
  }
}

Service MakeService(std::string slug, std::string name, std::string description,
                    std::chrono::minutes duration, std::chrono::minutes buffer,
                    std::vector<Role> roles, std::vector<Skill> skills, RoomKind room,
                    std::int64_t price_cents,
                    PatientEligibility eligibility = PatientEligibility::kAnyPatient) {
  Service s;
  s.slug = std::move(slug);
  s.name = std::move(name);
  s.description = std::move(description);
  s.duration = duration;
  s.buffer_after = buffer;
  s.allowed_roles = std::move(roles);
  s.required_skills = std::move(skills);
  s.room_kind = room;
  s.eligibility = eligibility;
  s.price = {price_cents, "USD"};
  return s;
}

}  // namespace

core::Result<core::clinic::ClinicSetup> DemoClinicSetup(core::Instant now) {
  core::clinic::ClinicSetup setup;
  setup.clinic.slug = std::string(kDemoClinicSlug);
  setup.clinic.name = "Mission Sports Chiropractic & Massage";
  setup.clinic.phone = "+14155550134";  // 555-01xx: reserved for fiction
  setup.clinic.address = {"2250 Folsom Street", "Suite 200", "San Francisco", "CA", "94110", "US"};
  setup.clinic.time_zone = "America/Los_Angeles";
  setup.clinic.policy = {.min_notice = 2h,
                         .horizon = std::chrono::days{60},
                         .cancellation_window = 24h,
                         .slot_step = 15min,
                         .grace_period = 15min,
                         .address_writes = {.count = 10, .period = 1min, .burst = 20},
                         .email_bookings = {.count = 5, .period = 1h, .burst = 5},
                         .max_future_online_bookings = 3};

  setup.rooms = {{core::RoomId{}, "Adjustment Room 1", RoomKind::kAdjustment},
                 {core::RoomId{}, "Adjustment Room 2", RoomKind::kAdjustment},
                 {core::RoomId{}, "Massage Room A", RoomKind::kMassage},
                 {core::RoomId{}, "Massage Room B", RoomKind::kMassage}};

  Practitioner okafor =
      Person("maya-okafor", "Dr. Maya Okafor, DC", Role::kChiropractor,
             {Skill::kActiveReleaseTechnique, Skill::kSportsInjury},
             "Sports chiropractor, ART certified (spine and upper extremity). Works with runners "
             "and climbers on neck, shoulder and low-back knots.");
  AddDays(okafor, {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday},
          "08:00", "17:00", "12:00", "13:00");
  AddDays(okafor, {date::Saturday}, "09:00", "13:00");

  Practitioner reyes = Person("daniel-reyes", "Dr. Daniel Reyes, DC", Role::kChiropractor,
                              {Skill::kActiveReleaseTechnique},
                              "Chiropractor, ART certified. Focus on desk workers: posture, "
                              "upper-back and neck tension.");
  AddDays(reyes, {date::Monday, date::Tuesday, date::Wednesday, date::Thursday}, "10:00", "19:00",
          "13:30", "14:15");
  AddDays(reyes, {date::Friday}, "08:00", "14:00", "10:30", "10:45", "Break");

  Practitioner natarajan = Person(
      "priya-natarajan", "Priya Natarajan, LMT", Role::kMassageTherapist,
      {Skill::kDeepTissue, Skill::kFoamRollerCoaching},
      "Licensed massage therapist: deep-tissue and trigger-point work, foam-roller coaching.");
  AddDays(natarajan, {date::Tuesday, date::Wednesday, date::Thursday, date::Friday}, "09:00",
          "17:30", "12:30", "13:15");
  AddDays(natarajan, {date::Saturday}, "09:00", "14:00");

  Practitioner whitfield =
      Person("sam-whitfield", "Sam Whitfield, LMT", Role::kMassageTherapist, {Skill::kDeepTissue},
             "Licensed massage therapist: deep-tissue massage for athletes "
             "and heavy-work recovery; evening appointments.");
  AddDays(whitfield, {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday},
          "11:00", "20:00", "15:30", "16:00", "Dinner");

  // Time off: Dr. Reyes is away Monday to Friday of next week (clinic-local).
  auto zone = UNKNOT_TRY(core::TimeZone::Find(setup.clinic.time_zone));
  date::local_days today = date::floor<date::days>(core::UtcToLocal(zone, now));
  date::local_days this_monday = today - (date::weekday{today} - date::Monday);
  date::local_days next_monday = this_monday + date::days{7};
  core::Instant away_from =
      UNKNOT_TRY(core::LocalToUtc(zone, core::LocalDateTime{next_monday}, core::kStrictDstPolicy));
  core::Instant away_until = UNKNOT_TRY(core::LocalToUtc(
      zone, core::LocalDateTime{next_monday + date::days{5}}, core::kStrictDstPolicy));
  reyes.time_off.push_back({core::TimeOffId{},
                            UNKNOT_TRY(core::Interval::Create(away_from, away_until)),
                            "Continuing education (ART lower-extremity course)"});

  setup.practitioners = {std::move(okafor), std::move(reyes), std::move(natarajan),
                         std::move(whitfield)};

  const std::vector<Role> chiro = {Role::kChiropractor};
  const std::vector<Role> massage = {Role::kMassageTherapist};
  setup.services = {
      MakeService("new-patient-assessment", "New-patient assessment",
                  "History, posture and movement screen, palpation of the knots and a care plan.",
                  45min, 0min, chiro, {}, RoomKind::kAdjustment, 12000,
                  PatientEligibility::kNewPatientsOnly),
      MakeService("art-session", "Active Release Technique (ART) session",
                  "Hands-on release of the muscle holding the knot while you move it through its "
                  "range. ART-certified chiropractors only.",
                  30min, 0min, chiro, {Skill::kActiveReleaseTechnique}, RoomKind::kAdjustment,
                  9500),
      MakeService("chiropractic-follow-up", "Chiropractic follow-up",
                  "Re-check of progress, adjustment and home-care review.", 20min, 0min, chiro, {},
                  RoomKind::kAdjustment, 7500),
      MakeService("deep-tissue-60", "Deep-tissue massage, 60 minutes",
                  "Slow, firm pressure on the taut bands and trigger points.", 60min, 10min,
                  massage, {Skill::kDeepTissue}, RoomKind::kMassage, 13000),
      MakeService("deep-tissue-90", "Deep-tissue massage, 90 minutes",
                  "A longer session for several areas, e.g. neck, upper and low back.", 90min,
                  10min, massage, {Skill::kDeepTissue}, RoomKind::kMassage, 18000),
      MakeService("foam-roller-coaching", "Foam-roller coaching",
                  "Learn a home routine with the foam roller and massage ball for your knots.",
                  30min, 0min, massage, {}, RoomKind::kMassage, 6000),
  };
  UNKNOT_TRY(core::clinic::Validate(setup));
  return setup;
}

core::Result<DemoResult> LoadDemoClinic(core::ports::ClinicRepository& clinics,
                                        const core::Clock& clock) {
  auto existing = clinics.FindClinic(kDemoClinicSlug);
  if (existing) return DemoResult{DemoOutcome::kAlreadyPresent, *existing};
  if (existing.error().code() != core::ErrorCode::kNotFound) return std::move(existing).error();

  core::clinic::ClinicSetup setup = UNKNOT_TRY(DemoClinicSetup(clock.Now()));
  auto created = clinics.CreateClinic(setup);
  if (!created && created.error().code() == core::ErrorCode::kConflict) {
    // Another process loaded it between our look-up and our insert.
    return DemoResult{DemoOutcome::kAlreadyPresent,
                      UNKNOT_TRY(clinics.FindClinic(kDemoClinicSlug))};
  }
  if (!created) return std::move(created).error();
  return DemoResult{DemoOutcome::kCreated, created->clinic};
}

}  // namespace unknot::app
