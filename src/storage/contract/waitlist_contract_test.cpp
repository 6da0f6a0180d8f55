// The waitlist (issue 16), the same on every backend: entries, the freed times the database
// records with every appointment change that frees a time, offer rounds (a hold, the offers and
// their messages in one write), and the race of two patients confirming one offered time.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <thread>

#include "app/booking.hpp"
#include "app/demo_clinic.hpp"
#include "app/waitlist.hpp"
#include "instants.hpp"
#include "security/sodium_tokens.hpp"
#include "storage/contract/contract.hpp"

namespace unknot::storage::contract {
namespace {

using namespace std::chrono_literals;
using core::ErrorCode;
using core::ports::FreedTime;
using core::ports::NewBooking;
using core::ports::NewOfferRound;
using core::ports::NewWaitlistEntry;
using core::ports::OfferStatus;
using core::ports::WaitlistEntry;
using core::ports::WaitlistStatus;
using core::scheduling::Appointment;
using core::scheduling::AppointmentStatus;

using unknot::testing::At;

class WaitlistContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().make();
    ASSERT_TRUE(database_ != nullptr);
    storage_ = database_->Open(clock_);
    ASSERT_TRUE(storage_ != nullptr);
    setup_ = storage_->CreateClinic(app::DemoClinicSetup(clock_.Now()).value()).value();
  }

  core::ClinicId Clinic() const { return setup_.clinic.id; }

  NewWaitlistEntry EntryOf(std::string email, std::string token_hash, bool urgent = false) {
    return NewWaitlistEntry{.service = setup_.services[1].id,
                            .practitioner = std::nullopt,
                            .windows = {{.days = 0x1f, .from = 8h, .to = 18h}},
                            .until = "2026-12-31",
                            .ends_at = At("2027-01-01T08:00:00Z"),
                            .given_name = "Ana",
                            .family_name = "Ruiz",
                            .email = std::move(email),
                            .phone = "+14155550142",
                            .urgent = urgent,
                            .source = core::ports::WaitlistSource::kOnline,
                            .token_hash = std::move(token_hash)};
  }

  WaitlistEntry Join(std::string email, std::string token_hash, bool urgent = false) {
    auto entry = storage_->CreateWaitlistEntry(
        Clinic(), EntryOf(std::move(email), std::move(token_hash), urgent), clock_.Now(),
        std::nullopt);
    EXPECT_TRUE(entry) << entry.error().message();
    return *entry;
  }

  NewBooking Request(const char* start, std::string email, std::size_t practitioner = 0) {
    core::Instant begin = At(start);
    return NewBooking{
        .patient = {core::PatientId{}, "Bo", "Lee", std::move(email), "+14155550143", {}},
        .appointment = Appointment{.id = {},
                                   .patient = {},
                                   .practitioner = setup_.practitioners[practitioner].id,
                                   .service = setup_.services[1].id,
                                   .room = setup_.rooms[0].id,
                                   .time = core::Interval::Create(begin, begin + 30min).value(),
                                   .blocked_until = begin + 40min,
                                   .status = AppointmentStatus::kBooked,
                                   .source = core::scheduling::BookingSource::kOnline,
                                   .created_at = clock_.Now(),
                                   .updated_at = clock_.Now(),
                                   .cancelled_at = std::nullopt,
                                   .assessment = std::nullopt},
        .other_rooms = {},
        .manage_token_hash = "manage-" + std::to_string(++tokens_),
        .idempotency = std::nullopt,
        .max_future_online = std::nullopt};
  }

  Appointment Booked(const char* start, std::string email, std::size_t practitioner = 0) {
    auto booked = storage_->Book(Clinic(), Request(start, std::move(email), practitioner));
    EXPECT_TRUE(booked) << booked.error().message();
    return *booked;
  }

  NewOfferRound RoundFor(const FreedTime& freed, std::vector<core::ports::WaitlistEntryId> entries,
                         const std::string& hold) {
    NewOfferRound round{
        .freed = freed.id,
        .hold = {.practitioner = freed.practitioner,
                 .service = setup_.services[1].id,
                 .time =
                     core::Interval::Create(freed.time.start(), freed.time.start() + 30min).value(),
                 .blocked_until = freed.time.start() + 40min,
                 .token_hash = hold},
        .offers = {}};
    for (auto entry : entries) {
      round.offers.push_back({.entry = entry,
                              .service = setup_.services[1].id,
                              .time = round.hold.time,
                              .blocked_until = round.hold.blocked_until,
                              .token_hash = "offer-" + std::to_string(entry.value()),
                              .link_token = "link-" + std::to_string(entry.value())});
    }
    return round;
  }

  std::unique_ptr<TestDatabase> database_;
  core::FixedClock clock_{At("2026-11-26T18:00:00Z")};
  std::unique_ptr<core::ports::Storage> storage_;
  core::clinic::ClinicSetup setup_;
  int tokens_ = 0;
};

TEST_P(WaitlistContract, EntriesAreStoredFoundListedInOrderAndLeft) {
  WaitlistEntry first = Join("ana@example.org", "entry-a");
  EXPECT_EQ(first.status, WaitlistStatus::kWaiting);
  EXPECT_EQ(first.windows, (std::vector<core::ports::WaitlistWindow>{{0x1f, 8h, 18h}}));
  EXPECT_EQ(first.until, "2026-12-31");
  EXPECT_EQ(first.created_at, clock_.Now());
  EXPECT_EQ(storage_->FindWaitlistEntry(Clinic(), first.id).value(), first);
  EXPECT_EQ(storage_->FindWaitlistEntryByToken(Clinic(), "entry-a").value(), first);
  EXPECT_EQ(storage_->FindWaitlistEntryByToken(Clinic(), "entry-x").error().code(),
            ErrorCode::kNotFound);
  clock_.Set(clock_.Now() + 1min);
  WaitlistEntry second = Join("bo@example.org", "entry-b");
  clock_.Set(clock_.Now() + 1min);
  // A caller the front desk adds: only a phone, no link, urgent; its audit entry commits with it.
  NewWaitlistEntry caller = EntryOf("", "", true);
  caller.source = core::ports::WaitlistSource::kStaff;
  auto third = storage_->CreateWaitlistEntry(Clinic(), caller, clock_.Now(), std::nullopt);
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ(third->email, "");
  auto listed = storage_->ListWaitlist(Clinic(), false).value();
  ASSERT_EQ(listed.size(), 3U);
  EXPECT_EQ(listed[0].id, third->id);  // urgent first
  EXPECT_EQ(listed[1].id, first.id);   // then longest waiting
  EXPECT_EQ(listed[2].id, second.id);

  auto left = storage_->LeaveWaitlist(Clinic(), first.id, clock_.Now(), std::nullopt);
  ASSERT_TRUE(left) << left.error().message();
  EXPECT_EQ(left->status, WaitlistStatus::kLeft);
  EXPECT_EQ(left->ended_at, clock_.Now());
  EXPECT_EQ(storage_->LeaveWaitlist(Clinic(), first.id, clock_.Now(), std::nullopt).error().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(storage_->ListWaitlist(Clinic(), false).value().size(), 2U);
  EXPECT_EQ(storage_->ListWaitlist(Clinic(), true).value().size(), 3U);

  // Unknown service or practitioner, unknown clinic.
  NewWaitlistEntry stranger = EntryOf("cy@example.org", "entry-c");
  stranger.service = core::ServiceId{999999};
  EXPECT_EQ(
      storage_->CreateWaitlistEntry(Clinic(), stranger, clock_.Now(), std::nullopt).error().code(),
      ErrorCode::kInvalidArgument);
  stranger = EntryOf("cy@example.org", "entry-c");
  stranger.practitioner = core::PractitionerId{999999};
  EXPECT_EQ(
      storage_->CreateWaitlistEntry(Clinic(), stranger, clock_.Now(), std::nullopt).error().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(storage_
                ->CreateWaitlistEntry(core::ClinicId{999999}, EntryOf("cy@example.org", "c"),
                                      clock_.Now(), std::nullopt)
                .error()
                .code(),
            ErrorCode::kNotFound);
}

TEST_P(WaitlistContract, EntriesEndAfterTheirLastDay) {
  WaitlistEntry entry = Join("ana@example.org", "entry-a");
  EXPECT_EQ(storage_->ExpireWaitlist(At("2027-01-01T07:59:59Z")).value(), 0);
  EXPECT_EQ(storage_->ExpireWaitlist(At("2027-01-01T08:00:00Z")).value(), 1);
  auto ended = storage_->FindWaitlistEntry(Clinic(), entry.id).value();
  EXPECT_EQ(ended.status, WaitlistStatus::kEnded);
  EXPECT_TRUE(storage_->ListWaitlist(Clinic(), false).value().empty());
}

TEST_P(WaitlistContract, ACancelOrAMoveRecordsTheFreedTimeInItsOwnWrite) {
  Appointment cancelled = Booked("2026-12-01T17:00:00Z", "bo@example.org");
  Appointment moved = Booked("2026-12-02T17:00:00Z", "cy@example.org");
  EXPECT_TRUE(storage_->ListFreedTimes(Clinic(), core::Instant{}).value().empty());

  clock_.Set(clock_.Now() + 5min);
  ASSERT_TRUE(storage_->Cancel(Clinic(), cancelled.id, clock_.Now()));
  Appointment later = moved;
  later.time =
      core::Interval::Create(At("2026-12-03T17:00:00Z"), At("2026-12-03T17:30:00Z")).value();
  later.blocked_until = At("2026-12-03T17:40:00Z");
  later.updated_at = clock_.Now();
  ASSERT_TRUE(storage_->Reschedule(Clinic(), later));
  // A move refused for overlap frees nothing.
  Appointment clash = Booked("2026-12-04T17:00:00Z", "dee@example.org");
  clash.time = later.time;
  clash.blocked_until = later.blocked_until;
  EXPECT_FALSE(storage_->Reschedule(Clinic(), clash));

  auto freed = storage_->ListFreedTimes(Clinic(), core::Instant{}).value();
  ASSERT_EQ(freed.size(), 2U);
  EXPECT_EQ(freed[0].appointment, cancelled.id);
  EXPECT_EQ(freed[0].practitioner, setup_.practitioners[0].id);
  EXPECT_EQ(freed[0].time.start(), At("2026-12-01T17:00:00Z"));
  EXPECT_EQ(freed[0].time.end(), At("2026-12-01T17:40:00Z"));  // with the buffer
  EXPECT_EQ(freed[1].appointment, moved.id);
  EXPECT_EQ(freed[1].time.start(), At("2026-12-02T17:00:00Z"));  // the time it left
  auto pending = storage_->PendingFreedTimes(clock_.Now(), 10).value();
  EXPECT_EQ(pending, freed);

  // Once its start has come, a freed time is no longer pending.
  EXPECT_EQ(storage_->PendingFreedTimes(At("2026-12-01T17:00:00Z"), 10).value(),
            std::vector<FreedTime>{freed[1]});
}

TEST_P(WaitlistContract, AnOfferRoundHoldsTheTimeAndQueuesItsMessages) {
  WaitlistEntry ana = Join("ana@example.org", "entry-a");
  clock_.Set(clock_.Now() + 1min);
  WaitlistEntry bo = Join("bo@example.org", "entry-b");
  Appointment gone = Booked("2026-12-01T17:00:00Z", "cy@example.org");
  ASSERT_TRUE(storage_->Cancel(Clinic(), gone.id, clock_.Now()));
  FreedTime freed = storage_->PendingFreedTimes(clock_.Now(), 10).value().at(0);
  EXPECT_EQ(storage_->OfferCandidates(Clinic(), freed.id, clock_.Now()).value(),
            (std::vector<WaitlistEntry>{ana, bo}));

  auto offers = storage_->CreateOffers(Clinic(), RoundFor(freed, {ana.id}, "hold-1"), clock_.Now());
  ASSERT_TRUE(offers) << offers.error().message();
  ASSERT_EQ(offers->size(), 1U);
  const auto& offer = offers->front();
  EXPECT_EQ(offer.status, OfferStatus::kOpen);
  EXPECT_EQ(offer.entry, ana.id);
  EXPECT_EQ(offer.expires_at, clock_.Now() + 15min);  // the clinic's default offer minutes
  EXPECT_EQ(storage_->FindOffer(Clinic(), "offer-" + std::to_string(ana.id.value())).value(),
            offer);
  // The time is held for the offer's length: nobody else can book it.
  auto hold = storage_->FindHold(Clinic(), "hold-1", clock_.Now());
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->expires_at, offer.expires_at);
  EXPECT_EQ(
      storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", "dee@example.org")).error().code(),
      ErrorCode::kConflict);
  // While it is open the freed time is not pending, and the offered entry is no candidate.
  EXPECT_TRUE(storage_->PendingFreedTimes(clock_.Now(), 10).value().empty());
  EXPECT_EQ(storage_->OfferCandidates(Clinic(), freed.id, clock_.Now()).value(),
            std::vector<WaitlistEntry>{bo});
  // One message, by e-mail (the clinic has no SMS webhook), naming the offer; rendered with the
  // link token it keeps while open.
  auto claimed = storage_->ClaimMessages(clock_.Now(), 50, 60s).value();
  std::vector<core::ports::OutboxMessage> offers_sent;
  for (const auto& m : claimed) {
    if (m.kind == core::ports::MessageKind::kWaitlistOffer) offers_sent.push_back(m);
  }
  ASSERT_EQ(offers_sent.size(), 1U);
  EXPECT_EQ(offers_sent[0].waitlist_offer, offer.id);
  EXPECT_EQ(offers_sent[0].channel, core::ports::MessageChannel::kEmail);
  EXPECT_EQ(offers_sent[0].key, "<waitlist-offer-" + std::to_string(offer.id.value()) + "@" +
                                    setup_.clinic.slug + ".unknot>");
  auto for_message = storage_->FindOfferForMessage(Clinic(), offer.id).value();
  EXPECT_EQ(for_message.link_token, "link-" + std::to_string(ana.id.value()));
  EXPECT_EQ(for_message.entry, ana);

  // A second round of the same time while the hold lives is refused, nothing written.
  auto again = storage_->CreateOffers(Clinic(), RoundFor(freed, {bo.id}, "hold-2"), clock_.Now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(storage_->ListOffers(Clinic(), freed.id).value().size(), 1U);

  // Unanswered, the offer lapses with its hold; its link is erased; the next entry is offered.
  clock_.Set(clock_.Now() + 15min);
  EXPECT_EQ(storage_->ExpireWaitlist(clock_.Now()).value(), 1);
  EXPECT_EQ(storage_->ListOffers(Clinic(), freed.id).value().at(0).status, OfferStatus::kLapsed);
  EXPECT_EQ(storage_->FindOfferForMessage(Clinic(), offer.id).value().link_token, "");
  EXPECT_EQ(storage_->PendingFreedTimes(clock_.Now(), 10).value(), std::vector<FreedTime>{freed});
  EXPECT_EQ(storage_->OfferCandidates(Clinic(), freed.id, clock_.Now()).value(),
            std::vector<WaitlistEntry>{bo});
  auto next = storage_->CreateOffers(Clinic(), RoundFor(freed, {bo.id}, "hold-2"), clock_.Now());
  ASSERT_TRUE(next) << next.error().message();

  // Accepted: the entry is booked, the freed time closed, the link erased; only once.
  Appointment taken = Booked("2026-12-20T17:00:00Z", "bo@example.org");
  auto accepted = storage_->AcceptOffer(Clinic(), next->at(0).id, taken.id, clock_.Now());
  ASSERT_TRUE(accepted) << accepted.error().message();
  EXPECT_EQ(accepted->status, OfferStatus::kAccepted);
  EXPECT_EQ(accepted->appointment, taken.id);
  auto booked_entry = storage_->FindWaitlistEntry(Clinic(), bo.id).value();
  EXPECT_EQ(booked_entry.status, WaitlistStatus::kBooked);
  EXPECT_EQ(booked_entry.appointment, taken.id);
  EXPECT_EQ(storage_->AcceptOffer(Clinic(), next->at(0).id, taken.id, clock_.Now()).error().code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(storage_->PendingFreedTimes(clock_.Now(), 10).value().empty());
}

TEST_P(WaitlistContract, LeavingEndsTheEntrysOpenOffersAndFreesTheirHold) {
  WaitlistEntry ana = Join("ana@example.org", "entry-a");
  Appointment gone = Booked("2026-12-01T17:00:00Z", "cy@example.org");
  ASSERT_TRUE(storage_->Cancel(Clinic(), gone.id, clock_.Now()));
  FreedTime freed = storage_->PendingFreedTimes(clock_.Now(), 10).value().at(0);
  ASSERT_TRUE(storage_->CreateOffers(Clinic(), RoundFor(freed, {ana.id}, "hold-1"), clock_.Now()));
  ASSERT_TRUE(storage_->LeaveWaitlist(Clinic(), ana.id, clock_.Now(), std::nullopt));
  EXPECT_EQ(storage_->ListOffers(Clinic(), freed.id).value().at(0).status, OfferStatus::kGone);
  EXPECT_EQ(storage_->FindHold(Clinic(), "hold-1", clock_.Now()).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(storage_->Book(Clinic(), Request("2026-12-01T17:00:00Z", "dee@example.org")));
}

// The worker and the confirmation over this backend: a cancel offers the time to two entries at
// once (the clinic allows two); both confirm at the same moment; exactly one gets it.
TEST_P(WaitlistContract, TwoPatientsConfirmingOneOfferedTimeAtOnceMakeExactlyOneBooking) {
  ASSERT_EQ(database_->ExecRaw("UPDATE clinics SET offers_at_once = 2"), "");
  security::SodiumTokens tokens;
  auto clinic = app::LoadClinic(*storage_, Clinic()).value();
  WaitlistEntry ana = Join("ana@example.org", "entry-a");
  clock_.Set(clock_.Now() + 1min);
  WaitlistEntry bo = Join("bo@example.org", "entry-b");
  Appointment gone = Booked("2026-12-01T17:00:00Z", "cy@example.org");
  ASSERT_TRUE(storage_->Cancel(Clinic(), gone.id, clock_.Now()));

  auto run = app::RunWaitlistOnce(*storage_, clock_, tokens);
  ASSERT_TRUE(run) << run.error().message();
  EXPECT_EQ(run->offers, 2);
  std::vector<std::string> links;
  const auto claimed = storage_->ClaimMessages(clock_.Now(), 50, 60s).value();
  for (const auto& m : claimed) {
    if (m.kind != core::ports::MessageKind::kWaitlistOffer) continue;
    links.push_back(storage_->FindOfferForMessage(Clinic(), *m.waitlist_offer).value().link_token);
  }
  ASSERT_EQ(links.size(), 2U);
  EXPECT_TRUE(app::ViewOffer(*storage_, clock_, tokens, clinic, links[0]));

  for (int round = 0; round < 1; ++round) {
    std::barrier start(2);
    std::atomic<int> booked{0};
    std::atomic<int> gone_answers{0};
    std::vector<std::thread> threads;
    for (const std::string& link : links) {
      threads.emplace_back([&, link] {
        start.arrive_and_wait();
        auto confirmed = app::ConfirmOffer(*storage_, clock_, tokens, clinic, link);
        if (confirmed) {
          ++booked;
        } else if (confirmed.error().code() == ErrorCode::kConflict) {
          ++gone_answers;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(booked.load(), 1);
    EXPECT_EQ(gone_answers.load(), 1);
  }
  auto window =
      core::Interval::Create(At("2026-12-01T16:00:00Z"), At("2026-12-01T19:00:00Z")).value();
  int live = 0;
  const auto appointments = storage_->ListAppointments(Clinic(), window).value();
  for (const auto& a : appointments) {
    if (a.status != AppointmentStatus::kCancelled) ++live;
  }
  EXPECT_EQ(live, 1);
  // One entry is booked; the other stays on the list, and its link now says the time is gone.
  auto waiting = storage_->ListWaitlist(Clinic(), false).value();
  ASSERT_EQ(waiting.size(), 1U);
  int booked_entries = 0;
  for (auto id : {ana.id, bo.id}) {
    if (storage_->FindWaitlistEntry(Clinic(), id).value().status == WaitlistStatus::kBooked) {
      ++booked_entries;
    }
  }
  EXPECT_EQ(booked_entries, 1);
  for (const std::string& link : links) {
    auto view = app::ViewOffer(*storage_, clock_, tokens, clinic, link);
    EXPECT_FALSE(view);
    EXPECT_EQ(view.error().code(), ErrorCode::kConflict);
  }
}

// One offer at a time (the default): urgent first; when it lapses the next entry is offered; an
// entry whose windows or practitioner do not fit is passed over.
TEST_P(WaitlistContract, TheWorkerOffersInOrderAndMovesOnWhenAnOfferLapses) {
  security::SodiumTokens tokens;
  WaitlistEntry ana = Join("ana@example.org", "entry-a");
  clock_.Set(clock_.Now() + 1min);
  NewWaitlistEntry evenings = EntryOf("eve@example.org", "entry-e");
  evenings.windows = {{.days = 0x7f, .from = 17h, .to = 20h}};  // 09:00 local does not fit
  ASSERT_TRUE(storage_->CreateWaitlistEntry(Clinic(), evenings, clock_.Now(), std::nullopt));
  NewWaitlistEntry other = EntryOf("oli@example.org", "entry-o");
  other.practitioner = setup_.practitioners[1].id;  // someone else's time
  ASSERT_TRUE(storage_->CreateWaitlistEntry(Clinic(), other, clock_.Now(), std::nullopt));
  clock_.Set(clock_.Now() + 1min);
  WaitlistEntry urgent = Join("urs@example.org", "entry-u", true);
  Appointment gone = Booked("2026-12-01T17:00:00Z", "cy@example.org");
  ASSERT_TRUE(storage_->Cancel(Clinic(), gone.id, clock_.Now()));

  ASSERT_EQ(app::RunWaitlistOnce(*storage_, clock_, tokens).value().offers, 1);
  FreedTime freed = storage_->ListFreedTimes(Clinic(), core::Instant{}).value().at(0);
  EXPECT_EQ(storage_->ListOffers(Clinic(), freed.id).value().at(0).entry, urgent.id);
  ASSERT_EQ(app::RunWaitlistOnce(*storage_, clock_, tokens).value().offers, 0);  // still open
  clock_.Set(clock_.Now() + 15min);
  ASSERT_EQ(app::RunWaitlistOnce(*storage_, clock_, tokens).value().offers, 1);
  auto offers = storage_->ListOffers(Clinic(), freed.id).value();
  ASSERT_EQ(offers.size(), 2U);
  EXPECT_EQ(offers[0].status, OfferStatus::kLapsed);
  EXPECT_EQ(offers[1].entry, ana.id);
  // Nobody else fits: after this one lapses too the freed time is closed.
  clock_.Set(clock_.Now() + 15min);
  auto last = app::RunWaitlistOnce(*storage_, clock_, tokens).value();
  EXPECT_EQ(last.offers, 0);
  EXPECT_EQ(last.closed, 1);
}

// Time off removed or shortened gives its time back to the waitlist in the same save: each span
// no longer off, from now on; nothing of what has passed.
TEST_P(WaitlistContract, TimeOffRemovedOrShortenedFreesTheSpansItGivesBack) {
  const core::PractitionerId okafor = setup_.practitioners[0].id;
  auto off = [](const char* from, const char* to) {
    return core::clinic::TimeOff{core::TimeOffId{},
                                 core::Interval::Create(At(from), At(to)).value(), "away"};
  };
  auto saved = storage_->SaveSetup(
      Clinic(),
      [&](const core::clinic::ClinicSetup& stored,
          const auto&) -> core::Result<core::clinic::ClinicSetup> {
        core::clinic::ClinicSetup changed = stored;
        auto& list = changed.practitioners[0].time_off;
        list.push_back(off("2026-12-01T16:00:00Z", "2026-12-01T20:00:00Z"));
        list.push_back(off("2026-12-02T16:00:00Z", "2026-12-02T18:00:00Z"));
        list.push_back(off("2026-11-26T10:00:00Z", "2026-11-27T10:00:00Z"));  // under way
        return changed;
      },
      clock_.Now());
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_TRUE(storage_->ListFreedTimes(Clinic(), core::Instant{}).value().empty());

  clock_.Set(clock_.Now() + 1min);
  saved = storage_->SaveSetup(
      Clinic(),
      [&](const core::clinic::ClinicSetup& stored,
          const auto&) -> core::Result<core::clinic::ClinicSetup> {
        core::clinic::ClinicSetup changed = stored;
        auto& list = changed.practitioners[0].time_off;
        std::erase_if(list, [](const core::clinic::TimeOff& t) {
          return t.period.start() != At("2026-12-01T16:00:00Z");
        });
        list.at(0).period =
            core::Interval::Create(At("2026-12-01T17:00:00Z"), At("2026-12-01T19:00:00Z")).value();
        return changed;
      },
      clock_.Now());
  ASSERT_TRUE(saved) << saved.error().message();

  auto freed = storage_->ListFreedTimes(Clinic(), core::Instant{}).value();
  std::vector<std::pair<core::Instant, core::Instant>> spans;
  for (const FreedTime& f : freed) {
    EXPECT_EQ(f.practitioner, okafor);
    EXPECT_EQ(f.appointment, std::nullopt);
    EXPECT_EQ(f.created_at, clock_.Now());
    spans.emplace_back(f.time.start(), f.time.end());
  }
  std::sort(spans.begin(), spans.end());
  const std::vector<std::pair<core::Instant, core::Instant>> expected = {
      {clock_.Now(), At("2026-11-27T10:00:00Z")},  // the part not yet passed
      {At("2026-12-01T16:00:00Z"), At("2026-12-01T17:00:00Z")},
      {At("2026-12-01T19:00:00Z"), At("2026-12-01T20:00:00Z")},
      {At("2026-12-02T16:00:00Z"), At("2026-12-02T18:00:00Z")}};
  EXPECT_EQ(spans, expected);
  // A span stays pending until its end, not its start.
  EXPECT_EQ(storage_->PendingFreedTimes(At("2026-12-01T16:30:00Z"), 10).value().size(), 3U);
  EXPECT_EQ(storage_->PendingFreedTimes(At("2026-12-01T19:30:00Z"), 10).value().size(), 2U);
}

// The worker offers a span at the first start the engine gives in it; what the booking does not
// take is freed again and offered to the next entry, on the clinic's grid.
TEST_P(WaitlistContract, ASpanOfTimeOffIsOfferedAtItsFirstStartAndTheRestAgainAfterABooking) {
  security::SodiumTokens tokens;
  auto clinic = app::LoadClinic(*storage_, Clinic()).value();
  WaitlistEntry ana = Join("ana@example.org", "entry-a");
  clock_.Set(clock_.Now() + 1min);
  WaitlistEntry bo = Join("bo@example.org", "entry-b");
  auto edit = [&](bool add) {
    return storage_->SaveSetup(
        Clinic(),
        [&](const core::clinic::ClinicSetup& stored,
            const auto&) -> core::Result<core::clinic::ClinicSetup> {
          core::clinic::ClinicSetup changed = stored;
          auto& list = changed.practitioners[0].time_off;
          if (add) {
            list.push_back(
                {core::TimeOffId{},
                 core::Interval::Create(At("2026-12-01T16:00:00Z"), At("2026-12-01T20:00:00Z"))
                     .value(),
                 "away"});
          } else {
            std::erase_if(list, [](const core::clinic::TimeOff& t) {
              return t.period.start() == At("2026-12-01T16:00:00Z");
            });
          }
          return changed;
        },
        clock_.Now());
  };
  ASSERT_TRUE(edit(true));
  ASSERT_TRUE(edit(false));  // Tuesday 08:00-12:00 local (Dr. Okafor works 08:00-17:00)
  const core::clinic::Service& service = setup_.services[1];
  ASSERT_EQ(service.duration + service.buffer_after, 30min);

  auto first = app::RunWaitlistOnce(*storage_, clock_, tokens);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_EQ(first->offers, 1);
  FreedTime span = storage_->ListFreedTimes(Clinic(), core::Instant{}).value().at(0);
  auto offers = storage_->ListOffers(Clinic(), span.id).value();
  ASSERT_EQ(offers.size(), 1U);
  EXPECT_EQ(offers[0].entry, ana.id);
  EXPECT_EQ(offers[0].time.start(), At("2026-12-01T16:00:00Z"));
  std::string link;
  const auto claimed = storage_->ClaimMessages(clock_.Now(), 50, 60s).value();
  for (const auto& m : claimed) {
    if (m.kind == core::ports::MessageKind::kWaitlistOffer) {
      link = storage_->FindOfferForMessage(Clinic(), *m.waitlist_offer).value().link_token;
    }
  }
  ASSERT_FALSE(link.empty());
  auto confirmed = app::ConfirmOffer(*storage_, clock_, tokens, clinic, link);
  ASSERT_TRUE(confirmed) << confirmed.error().message();

  // The rest of the span, after the visit and the service's buffer, is freed again...
  auto freed = storage_->ListFreedTimes(Clinic(), core::Instant{}).value();
  ASSERT_EQ(freed.size(), 2U);
  EXPECT_EQ(freed[1].appointment, std::nullopt);
  EXPECT_EQ(freed[1].time.start(), offers[0].blocked_until);
  EXPECT_EQ(freed[1].time.end(), At("2026-12-01T20:00:00Z"));
  // ... and offered to the next entry at its first start (on the clinic's 15-minute grid).
  auto second = app::RunWaitlistOnce(*storage_, clock_, tokens);
  ASSERT_TRUE(second) << second.error().message();
  ASSERT_EQ(second->offers, 1);
  auto next = storage_->ListOffers(Clinic(), freed[1].id).value();
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].entry, bo.id);
  EXPECT_EQ(next[0].time.start(), offers[0].blocked_until);
  EXPECT_EQ(next[0].time.start(), At("2026-12-01T16:30:00Z"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, WaitlistContract, ::testing::Values(SqliteBackend()), BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, WaitlistContract, ::testing::Values(PostgresBackend()),
                         BackendName);

}  // namespace
}  // namespace unknot::storage::contract
