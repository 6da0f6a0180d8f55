#pragma once

// A visit note (SOAP) of one appointment, written by that appointment's practitioner (issue 15):
// what the patient says (prefilled from the self-assessment the appointment followed), the knots
// the practitioner finds on the same back body map as the patient's, the treatment given, and the
// assessment and plan in words. A draft is saved as often as the practitioner likes; signing
// locks it, and a signed note is only ever followed by signed addenda. Decision support and
// record keeping, never a diagnosis.
//
// The content here is checked against the knowledge (regions, muscles) and its own ranges; the
// record around it (status, version, who signed, addenda) is storage's
// (core/ports/visit_notes.hpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clinical/assessment.hpp"
#include "core/clinical/knowledge.hpp"
#include "core/common/ids.hpp"
#include "core/common/result.hpp"

namespace unknot::core::clinical {

using VisitNoteId = StrongId<struct VisitNoteIdTag>;

// How big a knot feels under the fingers. Three sizes are what a practitioner tells apart
// reliably by touch; millimetres would claim a precision palpation does not have.
enum class FindingSize { kSmall, kMedium, kLarge };
std::string_view ToString(FindingSize size);
std::optional<FindingSize> ParseFindingSize(std::string_view text);

// The treatments the clinic gives (domain/care.md).
enum class Technique { kArt, kDeepTissueMassage };
std::string_view ToString(Technique technique);
std::optional<Technique> ParseTechnique(std::string_view text);

enum class Pressure { kLight, kModerate, kFirm };
std::string_view ToString(Pressure pressure);
std::optional<Pressure> ParsePressure(std::string_view text);

enum class NoteStatus { kDraft, kSigned };
std::string_view ToString(NoteStatus status);
std::optional<NoteStatus> ParseNoteStatus(std::string_view text);

// S: in the patient's words, with the same vocabulary as the self-assessment (SleepEffect,
// Movements()). Unknown values are nullopt until the practitioner fills them in.
struct Subjective {
  std::string words;
  std::optional<int> pain;  // 0-10 (NRS)
  std::optional<SleepEffect> sleep;
  bool limits_movement = false;
  std::vector<std::string> movements{};  // from Movements(); only when limits_movement

  friend bool operator==(const Subjective&, const Subjective&) = default;
};

// One knot the practitioner found, on the patient's back body map.
struct KnotFinding {
  std::string region;  // a region id of the knowledge (data/regions.json)
  Side side = Side::kNone;
  FindingSize size = FindingSize::kSmall;
  int tenderness = 0;                // 0 none, 1 mild, 2 moderate, 3 severe (withdraws)
  bool taut_band = false;            // the knot lies in a palpable taut band
  bool twitch_response = false;      // a local twitch response on snapping palpation
  bool reproduces_referral = false;  // pressing it reproduces the patient's referred pain

  friend bool operator==(const KnotFinding&, const KnotFinding&) = default;
};

// O: findings in words and the knots on the map.
struct Objective {
  std::string findings;
  std::vector<KnotFinding> knots{};

  friend bool operator==(const Objective&, const Objective&) = default;
};

// The treatment given at the visit.
struct TreatmentGiven {
  std::optional<Technique> technique;
  std::vector<std::string> muscles{};  // muscle ids of the knowledge (data/muscles.json)
  std::chrono::minutes minutes{0};
  Pressure pressure = Pressure::kModerate;
  std::optional<int> pain_before;  // 0-10, just before treatment
  std::optional<int> pain_after;   // 0-10, just after

  friend bool operator==(const TreatmentGiven&, const TreatmentGiven&) = default;
};

// What a practitioner writes: S, O, the treatment given, and A/P.
struct VisitNoteContent {
  Subjective subjective{};
  Objective objective{};
  TreatmentGiven treatment{};
  std::string assessment_plan{};

  friend bool operator==(const VisitNoteContent&, const VisitNoteContent&) = default;
};

// Limits that keep one note a note.
inline constexpr std::size_t kMaxNoteKnots = 30;
inline constexpr std::size_t kMaxNoteMuscles = 20;
inline constexpr std::size_t kMaxNoteText = 8000;      // bytes, each text field
inline constexpr std::size_t kMaxAddendumText = 4000;  // bytes
inline constexpr std::chrono::minutes kMaxTreatmentMinutes{240};

// A draft as it may be saved: every value given is in range and known to the knowledge; values
// not given yet are allowed. Errors name the field as the JSON body does, e.g.
// "objective.knots[1].tenderness" "must be between 0 and 3", "treatment.muscles[0]" "'x' is not a
// muscle of the knowledge", "subjective.pain" "must be between 0 and 10".
Result<void> ValidateDraft(const Knowledge& knowledge, const VisitNoteContent& content);

// What signing needs beyond a valid draft: the pain (subjective.pain), the treatment's technique,
// minutes (1 or more), pain before and after, and the assessment and plan in words. A note with
// no treatment given cannot be signed: the visit notes of this clinic record treatment visits.
Result<void> ValidateForSigning(const Knowledge& knowledge, const VisitNoteContent& content);

// An addendum's text: not blank, at most kMaxAddendumText bytes ("text").
Result<void> ValidateAddendum(std::string_view text);

// S as the self-assessment told it: the worst pain marked, the worst sleep effect, whether any
// knot limits movement and which movements (each once, in the order of Movements()). The words
// are left for the practitioner.
Subjective SubjectiveFrom(const AssessmentInput& assessment);

}  // namespace unknot::core::clinical
