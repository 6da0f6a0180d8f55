#include "core/scheduling/testing/scenario_runner.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <sstream>

#include "core/scheduling/availability.hpp"

namespace unknot::core::scheduling::testing {
namespace {

using clinic::ClinicSetup;

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

// A malformed scenario line; reported with its file and line.
struct ScenarioError {
  std::string message;
};

template <typename T>
T Must(Result<T> result, const std::string& what) {
  if (!result) throw ScenarioError{what + ": " + result.error().message()};
  return std::move(result).value();
}

template <typename T>
T MustHave(std::optional<T> value, const std::string& what) {
  if (!value) throw ScenarioError{"unknown " + what};
  return *value;
}

// "key=value" arguments after the positional ones.
std::map<std::string, std::string> Options(const std::vector<std::string>& words,
                                           std::size_t from) {
  std::map<std::string, std::string> options;
  for (std::size_t i = from; i < words.size(); ++i) {
    auto eq = words[i].find('=');
    if (eq == std::string::npos) {
      options[words[i]] = "";
    } else {
      options[words[i].substr(0, eq)] = words[i].substr(eq + 1);
    }
  }
  return options;
}

// "90" or "90m" minutes, "2h" hours, "60d" days.
std::chrono::minutes ParseDuration(const std::string& text) {
  if (text.empty()) throw ScenarioError{"empty duration"};
  char unit = text.back();
  std::string digits =
      std::isdigit(static_cast<unsigned char>(unit)) != 0 ? text : text.substr(0, text.size() - 1);
  long value = std::stol(digits);
  // Far beyond any clinic's policy, and small enough that days stay representable in minutes.
  if (value < -1'000'000 || value > 1'000'000) throw ScenarioError{"duration out of range"};
  switch (unit) {
    case 'h':
      return std::chrono::hours{value};
    case 'd':
      return std::chrono::days{value};
    default:
      return std::chrono::minutes{value};
  }
}

class Scenario {
 public:
  ScenarioReport Run(std::string_view text) {
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
    for (next_ = 0; next_ < lines_.size();) {
      std::size_t number = next_ + 1;
      std::string line = lines_[next_++];
      auto words = Words(line.substr(0, line.find('#')));
      if (words.empty()) continue;
      try {
        Execute(words, number);
      } catch (const ScenarioError& e) {
        Fail(number, e.message + "\n  " + line);
        break;
      } catch (const std::exception& e) {
        Fail(number, e.what() + ("\n  " + line));
        break;
      }
    }
    return std::move(report_);
  }

 private:
  void Execute(const std::vector<std::string>& w, std::size_t number) {
    const std::string& command = w[0];
    auto need = [&](std::size_t n) {
      if (w.size() < n) throw ScenarioError{command + " needs " + std::to_string(n - 1) + " words"};
    };
    if (command == "zone") {
      need(2);
      zone_ = Must(TimeZone::Find(w[1]), "zone");
      setup_.clinic.time_zone = w[1];
    } else if (command == "policy") {
      auto o = Options(w, 1);
      auto& policy = setup_.clinic.policy;
      if (o.count("min_notice")) policy.min_notice = ParseDuration(o["min_notice"]);
      if (o.count("horizon")) {
        // A bare number is days; `horizon=` (empty) is left to ParseDuration to refuse.
        std::string h = o["horizon"];
        bool bare = !h.empty() && std::isdigit(static_cast<unsigned char>(h.back())) != 0;
        policy.horizon = std::chrono::floor<std::chrono::days>(ParseDuration(bare ? h + "d" : h));
      }
      if (o.count("step")) policy.slot_step = ParseDuration(o["step"]);
    } else if (command == "room") {
      need(3);
      RoomId id{static_cast<std::int64_t>(setup_.rooms.size()) + 1};
      setup_.rooms.push_back({id, w[1], MustHave(clinic::ParseRoomKind(w[2]), "room kind")});
      rooms_[w[1]] = id;
    } else if (command == "practitioner") {
      need(3);
      clinic::Practitioner p;
      p.id = PractitionerId{static_cast<std::int64_t>(setup_.practitioners.size()) + 1};
      p.slug = w[1];
      p.display_name = w[1];
      p.role = MustHave(clinic::ParseRole(w[2]), "role " + w[2]);
      auto o = Options(w, 3);
      for (const auto& s : Split(o["skills"], ',')) {
        p.skills.push_back(MustHave(clinic::ParseSkill(s), "skill " + s));
      }
      if (o.count("inactive")) p.status = clinic::PractitionerStatus::kInactive;
      setup_.practitioners.push_back(p);
    } else if (command == "hours" || command == "break") {
      need(4);
      clinic::Practitioner& p = Practitioner(w[1]);
      auto day = Must(ParseWeekday(w[2]), "weekday");
      auto times = Split(w[3], '-');
      if (times.size() != 2) throw ScenarioError{"expected HH:MM-HH:MM"};
      auto start = Must(TimeOfDay::Parse(times[0]), "start");
      auto end = Must(TimeOfDay::Parse(times[1]), "end");
      if (command == "hours") {
        p.hours.push_back({day, start, end});
      } else {
        p.breaks.push_back({day, start, end, "break"});
      }
    } else if (command == "timeoff") {
      need(4);
      Practitioner(w[1]).time_off.push_back(
          {TimeOffId{}, Must(Interval::Create(Time(w[2]), Time(w[3])), "time off"), "away"});
    } else if (command == "service") {
      need(3);
      clinic::Service s;
      s.id = ServiceId{static_cast<std::int64_t>(setup_.services.size()) + 1};
      s.slug = w[1];
      s.duration = ParseDuration(w[2]);
      auto o = Options(w, 3);
      if (o.count("buffer")) s.buffer_after = ParseDuration(o["buffer"]);
      for (const auto& r : Split(o["roles"], ',')) {
        s.allowed_roles.push_back(MustHave(clinic::ParseRole(r), "role " + r));
      }
      for (const auto& k : Split(o["skills"], ',')) {
        s.required_skills.push_back(MustHave(clinic::ParseSkill(k), "skill " + k));
      }
      if (o.count("room")) s.room_kind = MustHave(clinic::ParseRoomKind(o["room"]), "room kind");
      setup_.services.push_back(s);
    } else if (command == "booking") {
      need(5);
      bookings_.push_back({Practitioner(w[1]).id, Room(w[2]),
                           Must(Interval::Create(Time(w[3]), Time(w[4])), "booking")});
    } else if (command == "now") {
      need(2);
      now_ = Time(w[1]);
    } else if (command == "query") {
      need(4);
      auto o = Options(w, 4);
      AvailabilityRequest request{ServiceIdOf(w[1]), Must(ParseLocalDate(w[2]), "from"),
                                  Must(ParseLocalDate(w[3]), "to"), std::nullopt};
      if (o.count("practitioner")) request.practitioner = PractitionerIdOf(o["practitioner"]);
      auto days = FindAvailability(setup_, bookings_, now_, request);
      last_days_ = days ? *days : std::vector<DaySlots>{};
      std::vector<std::string> actual;
      if (days) {
        for (const DaySlots& day : *days) {
          for (const Slot& slot : day.slots) {
            actual.push_back(Describe(slot.time, day.OptionsOf(slot)));
          }
        }
      } else {
        actual.push_back(DescribeError(days.error()));
      }
      ExpectBlock(actual, number);
    } else if (command == "nearest") {
      need(3);
      std::vector<std::string> actual;
      for (const OfferedSlot& slot : NearestSlots(last_days_, Time(w[1]), std::stoul(w[2]))) {
        actual.push_back(Describe(slot.time, slot.options));
      }
      ExpectBlock(actual, number);
    } else if (command == "check") {
      // check <service> <start> [practitioner=P] -> free P@R | <refusal> | error <code> <field>
      auto arrow = std::find(w.begin(), w.end(), "->");
      if (arrow == w.end() || w.size() < 3) throw ScenarioError{"expected check ... -> result"};
      std::vector<std::string> head(w.begin(), arrow);
      std::optional<PractitionerId> who;
      auto o = Options(head, 3);
      if (o.count("practitioner")) who = PractitionerIdOf(o["practitioner"]);
      auto decision = CheckSlot(setup_, bookings_, now_, ServiceIdOf(w[1]), who, Time(w[2]));
      std::string actual = !decision          ? DescribeError(decision.error())
                           : decision->option ? "free " + Describe(*decision->option)
                                              : std::string(ToString(*decision->refusal));
      std::string expected;
      for (auto it = arrow + 1; it != w.end(); ++it)
        expected += (expected.empty() ? "" : " ") + *it;
      ++report_.checks;
      if (actual != expected) {
        Fail(number, "check mismatch\n  expected: " + expected + "\n  actual:   " + actual);
      }
    } else {
      throw ScenarioError{"unknown command '" + command + "'"};
    }
  }

  // Reads the `expect` block after a query and compares it with `actual`.
  void ExpectBlock(const std::vector<std::string>& actual, std::size_t query_line) {
    while (next_ < lines_.size() &&
           Words(lines_[next_].substr(0, lines_[next_].find('#'))).empty()) {
      ++next_;
    }
    if (next_ >= lines_.size() || Words(lines_[next_])[0] != "expect") {
      throw ScenarioError{"expected an `expect` line after this"};
    }
    auto head = Words(lines_[next_++]);
    std::vector<std::string> expected;
    if (head.size() > 1 && head[1] == "none") {
      // no slots at all
    } else if (head.size() > 1) {
      std::string joined;
      for (std::size_t i = 1; i < head.size(); ++i) joined += (i > 1 ? " " : "") + head[i];
      expected.push_back(joined);
    } else {
      for (; next_ < lines_.size(); ++next_) {
        std::string body = lines_[next_].substr(0, lines_[next_].find('#'));
        auto words = Words(body);
        if (words.empty()) {
          if (lines_[next_].find('#') != std::string::npos) continue;  // a comment line
          break;
        }
        std::string joined;
        for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
        expected.push_back(joined);
      }
    }
    ++report_.checks;
    if (actual != expected) {
      std::ostringstream out;
      out << "result mismatch\n--- expected (" << expected.size() << ")\n";
      for (const auto& e : expected) out << "  " << e << "\n";
      out << "--- actual (" << actual.size() << ")\n";
      for (const auto& a : actual) out << "  " << a << "\n";
      Fail(query_line, out.str());
    }
  }

  // "2026-03-09 08:00 P1@R1 P2@R3"; a wall-clock time that happens twice that day gets its
  // offset, "2026-11-01 01:30-07:00".
  std::string Describe(const Interval& time, std::span<const SlotOption> options) const {
    LocalDateTime local = UtcToLocal(Zone(), time.start());
    std::string text = FormatLocalDateTime(local);
    std::string line = text.substr(0, 10) + " " + text.substr(11, 5);
    if (Zone().get()->get_info(local).result == date::local_info::ambiguous) {
      auto offset = std::chrono::duration_cast<std::chrono::minutes>(
          local.time_since_epoch() - time.start().time_since_epoch());
      char sign = offset.count() < 0 ? '-' : '+';
      auto m = std::abs(offset.count());
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%c%02ld:%02ld", sign, static_cast<long>(m / 60),
                    static_cast<long>(m % 60));
      line += buffer;
    }
    for (const SlotOption& option : options) line += " " + Describe(option);
    return line;
  }

  std::string Describe(const SlotOption& option) const {
    return setup_.FindPractitioner(option.practitioner)->slug + "@" +
           setup_.FindRoom(option.room)->name;
  }

  static std::string DescribeError(const Error& error) {
    std::string text = "error " + std::string(ToString(error.code()));
    for (const FieldError& field : error.fields()) text += " " + field.field;
    return text;
  }

  // "2026-03-09T09:00" is clinic-local (and must be unambiguous); "...Z" or "...-08:00" is UTC.
  Instant Time(const std::string& text) const {
    if (auto instant = ParseInstant(text)) return *instant;
    auto local = Must(ParseLocalDateTime(text), "time " + text);
    return Must(LocalToUtc(Zone(), local, kStrictDstPolicy), "time " + text);
  }

  const TimeZone& Zone() const {
    if (!zone_) throw ScenarioError{"set the zone first"};
    return *zone_;
  }

  clinic::Practitioner& Practitioner(const std::string& slug) {
    for (auto& p : setup_.practitioners) {
      if (p.slug == slug) return p;
    }
    throw ScenarioError{"unknown practitioner " + slug};
  }
  // Unknown names are allowed here: they become ids no one has, to test the errors.
  PractitionerId PractitionerIdOf(const std::string& slug) {
    for (auto& p : setup_.practitioners) {
      if (p.slug == slug) return p.id;
    }
    return PractitionerId{999};
  }
  ServiceId ServiceIdOf(const std::string& slug) const {
    for (const auto& s : setup_.services) {
      if (s.slug == slug) return s.id;
    }
    return ServiceId{999};
  }
  RoomId Room(const std::string& name) const {
    auto it = rooms_.find(name);
    if (it == rooms_.end()) throw ScenarioError{"unknown room " + name};
    return it->second;
  }

  void Fail(std::size_t line, std::string message) {
    report_.failures.push_back({line, std::move(message)});
  }

  std::vector<std::string> lines_;
  std::size_t next_ = 0;
  ScenarioReport report_;
  ClinicSetup setup_;
  std::optional<TimeZone> zone_;
  std::map<std::string, RoomId> rooms_;
  std::vector<Booking> bookings_;
  Instant now_{};
  std::vector<DaySlots> last_days_;
};

}  // namespace

ScenarioReport RunScenario(std::string_view text) { return Scenario().Run(text); }

}  // namespace unknot::core::scheduling::testing
