#include "crash_load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "booking_race.hpp"
#include "core/common/time.hpp"
#include "http_client.hpp"

namespace unknot::testing {

using Json = nlohmann::json;

namespace {

std::int64_t Seconds(const std::string& instant) {
  auto parsed = core::ParseInstant(instant);
  return parsed ? parsed->time_since_epoch().count() : 0;
}

// Parses a JSON answer; null (and a failure of the calling test) when it is not JSON.
Json ParseBody(const HttpResult& r) {
  Json body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) ADD_FAILURE() << "not JSON: status " << r.status;
  return body;
}

}  // namespace

int CrashCycles() {
  const char* cycles = std::getenv("UNKNOT_CRASH_CYCLES");
  const int n = cycles != nullptr ? std::atoi(cycles) : 0;
  return n > 0 ? n : 3;
}

unsigned CrashSeed() {
  const char* seed = std::getenv("UNKNOT_CRASH_SEED");
  if (seed != nullptr && *seed != '\0')
    return static_cast<unsigned>(std::strtoul(seed, nullptr, 10));
  return std::random_device{}();
}

bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return true;
}

std::vector<Slot> FreeSlots(std::uint16_t port, std::mt19937& random) {
  struct Candidate {
    Slot slot;
    std::int64_t start = 0, end = 0;
  };
  std::vector<Candidate> candidates;
  const HttpResult services = HttpGet(port, kCrashClinicBase + "/services");
  if (services.status != 200) {
    ADD_FAILURE() << "services: status " << services.status;
    return {};
  }
  // Two windows of at most 31 days: tomorrow to the end of the 60-day booking horizon.
  auto zone = core::TimeZone::Find("America/Los_Angeles").value();
  const core::LocalDate today = core::LocalDateOf(
      zone, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  const std::pair<int, int> windows[] = {{1, 31}, {32, 58}};
  const Json service_list = ParseBody(services);
  for (const auto& service : service_list.at("services")) {
    for (const auto& [from, to] : windows) {
      const std::string query =
          "/availability?service=" + std::to_string(service["id"].get<std::int64_t>()) + "&from=" +
          core::FormatLocalDate(core::LocalDate{date::local_days{today} + date::days{from}}) +
          "&to=" + core::FormatLocalDate(core::LocalDate{date::local_days{today} + date::days{to}});
      const HttpResult r = HttpGet(port, kCrashClinicBase + query);
      if (r.status != 200) {
        ADD_FAILURE() << "availability: status " << r.status;
        return {};
      }
      const Json availability = ParseBody(r);
      for (const auto& day : availability.at("days")) {
        for (const auto& slot : day["slots"]) {
          for (const auto& option : slot["options"]) {
            candidates.push_back({{service["id"], option["practitioner"], slot["start"]},
                                  Seconds(slot["start"]),
                                  Seconds(slot["end"])});
          }
        }
      }
    }
  }
  // Per practitioner, the earliest slots that leave 30 minutes (more than any turnover buffer)
  // before the next one.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.slot.practitioner, a.start) < std::tie(b.slot.practitioner, b.start);
  });
  std::vector<Slot> slots;
  std::map<std::int64_t, std::int64_t> free_from;  // practitioner -> first start still free
  for (const auto& c : candidates) {
    auto at = free_from.try_emplace(c.slot.practitioner, c.start).first;
    if (c.start < at->second) continue;
    at->second = c.end + 30 * 60;
    slots.push_back(c.slot);
  }
  std::shuffle(slots.begin(), slots.end(), random);
  return slots;
}

BookingLoad::BookingLoad(std::uint16_t port, std::vector<Slot> slots, int clients, int patient_base)
    : port_(port), slots_(std::move(slots)), patient_base_(patient_base) {
  running_ = clients;
  for (int i = 0; i < clients; ++i) threads_.emplace_back([this] { Client(); });
}

BookingLoad::~BookingLoad() { Stop(); }

void BookingLoad::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

LoadTally BookingLoad::Tally() const {
  std::lock_guard lock(mutex_);
  return tally_;
}

std::vector<Acknowledgement> BookingLoad::Acknowledged() const {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

void BookingLoad::Client() {
  std::size_t i = next_++;
  while (!stop_ && i < slots_.size()) {
    const Slot& slot = slots_[i];
    // Every attempt is by a patient of its own, from an address of its own (the servers trust
    // the loopback as a proxy): the clinic's rate limits count each as a separate client, as they
    // would count real patients behind a proxy, and a slot retried after a 503 is not refused
    // as a flood.
    const int attempt = attempts_++;
    const std::string patient = std::to_string(patient_base_ + attempt);
    const Json body = {{"service", slot.service},
                       {"practitioner", slot.practitioner},
                       {"start", slot.start},
                       {"patient",
                        {{"given_name", "Crash"},
                         {"family_name", "Patient " + patient},
                         {"email", "crash" + patient + "@example.org"},
                         {"phone", "+14155550100"}}}};
    const HttpResult r = HttpRequest(port_, "POST", kCrashClinicBase + "/appointments", body.dump(),
                                     ForwardedFor(attempt % 60000));
    if (r.status == 503) {
      // The database is away: try the same slot again after a pause, as a patient would.
      ++unavailable_;
      {
        std::lock_guard lock(mutex_);
        ++tally_.unavailable;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
      continue;
    }
    if (r.status == 0) {
      // The server is gone (killed): this client is done.
      std::lock_guard lock(mutex_);
      ++tally_.no_answer;
      break;
    }
    if (r.status == 201) {
      Record(r);
    } else {
      std::lock_guard lock(mutex_);
      if (r.status == 409 || r.status == 422) {
        ++tally_.conflicts;
      } else if (tally_.other++ == 0) {
        tally_.first_other = std::to_string(r.status) + " " + r.body;
      }
    }
    i = next_++;
  }
  --running_;
}

void BookingLoad::Record(const HttpResult& r) {
  Acknowledgement a;
  try {
    Json answer = ParseBody(r);
    Json& appointment = answer.at("appointment");
    a = {appointment.at("id"),
         answer.at("manage_token"),
         appointment.at("start"),
         Seconds(appointment.at("start")),
         appointment.at("practitioner").at("id"),
         appointment.at("room").at("id")};
  } catch (const Json::exception&) {
    std::lock_guard lock(mutex_);
    if (tally_.other++ == 0) tally_.first_other = "a 201 without an appointment: " + r.body;
    return;
  }
  ++created_;
  {
    std::lock_guard lock(mutex_);
    ++tally_.created;
    acknowledged_.push_back(a);
  }
  // Read it back at once: a server that acknowledged a booking must know it.
  const HttpResult read = HttpGet(
      port_, kCrashClinicBase + "/appointments/" + std::to_string(a.id) + "?token=" + a.token);
  std::lock_guard lock(mutex_);
  ++tally_.read_backs;
  if (read.status == 404) ++tally_.read_back_lost;
}

std::string Describe(const Acknowledgement& a) {
  return "id " + std::to_string(a.id) + " at " + a.start + " with practitioner " +
         std::to_string(a.practitioner);
}

std::vector<std::string> MissingOverApi(std::uint16_t port,
                                        const std::vector<Acknowledgement>& acknowledged) {
  std::vector<std::string> missing;
  for (const auto& a : acknowledged) {
    const HttpResult r = HttpGet(
        port, kCrashClinicBase + "/appointments/" + std::to_string(a.id) + "?token=" + a.token);
    if (r.status != 200) {
      missing.push_back(Describe(a) + ": status " + std::to_string(r.status));
      continue;
    }
    const Json appointment = ParseBody(r)["appointment"];
    if (appointment["status"] != "booked" || appointment["start"] != a.start ||
        appointment["practitioner"]["id"] != a.practitioner) {
      missing.push_back(Describe(a) + ": the API has " + appointment.dump());
    }
  }
  return missing;
}

}  // namespace unknot::testing
