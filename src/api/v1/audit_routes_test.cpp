#include "api/v1/audit_routes.hpp"

#include "api/v1/staff_routes_fixture.hpp"

namespace unknot::api {
namespace {

using Json = nlohmann::json;
using core::staff::AuditEntry;
using core::staff::StaffRole;

// The fixture's four sign-ins are entries 1 to 4; tests append more at chosen times.
class AuditRoutesTest : public StaffRoutesFixture {
 protected:
  static constexpr std::int64_t kExportCap = 20;

  void SetUp() override {
    StaffRoutesFixture::SetUp();
    v1::AddAuditRoutes(*staff_routes_, *storage_, {.max_export_rows = kExportCap});
  }

  // Appends an entry by `who` at `at` (RFC 3339).
  AuditEntry Append(const SignedIn& who, const char* at, std::string detail = "",
                    std::optional<core::PatientId> patient = {}) {
    AuditEntry entry;
    entry.clinic = clinic_.id;
    entry.staff = who.account.id;
    entry.staff_email = who.account.email;
    entry.role = who.account.role;
    entry.action = "view_patient_contact";
    entry.patient = patient;
    entry.record = patient ? "patient/" + std::to_string(patient->value()) : "";
    entry.detail = std::move(detail);
    entry.at = core::ParseInstant(at).value();
    entry.client_address = "198.51.100.4";
    entry.request_id = "req-appended";
    auto stored = storage_->AppendAudit(entry);
    EXPECT_TRUE(stored) << stored.error().message();
    return stored.value_or(entry);
  }

  // The sequences of a JSON answer's entries, in order.
  static std::vector<std::int64_t> Sequences(const http::Response& response) {
    std::vector<std::int64_t> sequences;
    const Json body = Body(response);
    for (const auto& entry : body["entries"]) sequences.push_back(entry["sequence"]);
    return sequences;
  }

  // The CSV's lines (split on CRLF), without the trailing empty one.
  static std::vector<std::string> Lines(const std::string& csv) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end; (end = csv.find("\r\n", start)) != std::string::npos; start = end + 2) {
      lines.push_back(csv.substr(start, end - start));
    }
    EXPECT_EQ(start, csv.size()) << "the CSV does not end with CRLF";
    return lines;
  }

  core::clinic::Patient ana_ = {};
};

TEST_F(AuditRoutesTest, TheOwnerSeesEntriesNewestFirst) {
  ana_ = AddPatient("Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  AuditEntry read =
      Append(desk_, "2026-11-26T17:30:00Z", "1 appointments, 0 self-assessments", ana_.id);
  auto r = StaffGet(&owner_, base_ + "/audit");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Sequences(r), (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  Json body = Body(r);
  EXPECT_EQ(body["entries"][0], Json::parse(R"({"sequence": 5, "at": "2026-11-26T17:30:00Z",
      "staff_id": )" + std::to_string(desk_.account.id.value()) +
                                            R"(, "staff_email": "desk@example.org",
      "role": "front_desk", "action": "view_patient_contact", "patient_id": )" +
                                            std::to_string(ana_.id.value()) + R"(,
      "record": "patient/)" + std::to_string(ana_.id.value()) +
                                            R"(", "detail": "1 appointments, 0 self-assessments",
      "client_address": "198.51.100.4", "request_id": "req-appended"})"));
  EXPECT_EQ(body["entries"][4]["action"], "sign_in");
  EXPECT_TRUE(body["entries"][4]["patient_id"].is_null());
  EXPECT_TRUE(body["next_before"].is_null());
  EXPECT_EQ(read.sequence, 5);
}

TEST_F(AuditRoutesTest, FiltersByStaffAndPatient) {
  ana_ = AddPatient("Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  auto ben = AddPatient("Ben", "Okoye", "ben@example.com", "+14155550199");
  Append(desk_, "2026-11-26T10:00:00Z", "", ana_.id);    // 5
  Append(okafor_, "2026-11-26T11:00:00Z", "", ana_.id);  // 6
  Append(desk_, "2026-11-26T12:00:00Z", "", ben.id);     // 7
  const std::string desk = std::to_string(desk_.account.id.value());
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?staff=" + desk)),
            (std::vector<std::int64_t>{7, 5, 2}));  // 2: the desk's sign-in
  EXPECT_EQ(
      Sequences(StaffGet(&owner_, base_ + "/audit?patient=" + std::to_string(ana_.id.value()))),
      (std::vector<std::int64_t>{6, 5}));
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?patient=" +
                                            std::to_string(ana_.id.value()) + "&staff=" + desk)),
            (std::vector<std::int64_t>{5}));
  // Blank fields of a form count as absent.
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?staff=&patient=&from=&to=&limit=")).size(),
            7u + 3u);  // and the three views above are in the log now
}

TEST_F(AuditRoutesTest, FromAndToTakeInstantsOrTheClinicsLocalDays) {
  // America/Los_Angeles: 2026-11-25 runs from 08:00Z to 08:00Z the next day (PST).
  Append(desk_, "2026-11-25T07:59:59Z");  // 5: 2026-11-24 23:59:59 local
  Append(desk_, "2026-11-25T08:00:00Z");  // 6: 2026-11-25 00:00 local
  Append(desk_, "2026-11-26T07:59:59Z");  // 7: 2026-11-25 23:59:59 local
  Append(desk_, "2026-11-26T08:00:00Z");  // 8: 2026-11-26 00:00 local
  const std::string desk = "&staff=" + std::to_string(desk_.account.id.value());
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?from=2026-11-25&to=2026-11-25" + desk)),
            (std::vector<std::int64_t>{7, 6}));
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?from=2026-11-26" + desk)),
            (std::vector<std::int64_t>{8, 2}));  // 2: the sign-in at 18:00Z
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?to=2026-11-24" + desk)),
            (std::vector<std::int64_t>{5}));
  // Instants: from inclusive, to exclusive; an offset is honoured.
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ +
                                            "/audit?from=2026-11-25T08:00:00Z"
                                            "&to=2026-11-26T08:00:00Z" +
                                            desk)),
            (std::vector<std::int64_t>{7, 6}));
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ +
                                            "/audit?from=2026-11-25T00:00:00-08:00"
                                            "&to=2026-11-25T23:59:59-08:00" +
                                            desk)),
            (std::vector<std::int64_t>{6}));
}

TEST_F(AuditRoutesTest, ADateOnADstChangeStartsAtLocalMidnight) {
  // 2026-11-01 starts at 00:00 PDT (07:00Z) and lasts 25 hours, to 08:00Z on 2026-11-02.
  Append(desk_, "2026-11-01T06:59:59Z");  // 5
  Append(desk_, "2026-11-01T07:00:00Z");  // 6
  Append(desk_, "2026-11-02T07:59:59Z");  // 7
  Append(desk_, "2026-11-02T08:00:00Z");  // 8
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?from=2026-11-01&to=2026-11-01")),
            (std::vector<std::int64_t>{7, 6}));
}

TEST_F(AuditRoutesTest, PagesWithBeforeAndLimitWithoutAnEmptyLastPage) {
  for (int i = 0; i < 5; ++i) Append(desk_, "2026-11-26T12:00:00Z");  // 5..9
  // Entries appended by the views themselves come later and do not disturb the pages.
  std::vector<std::int64_t> seen;
  std::string next = "/audit?limit=3";
  int pages = 0;
  while (!next.empty()) {
    auto r = StaffGet(&owner_, base_ + next);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto page = Sequences(r);
    ASSERT_FALSE(page.empty());
    seen.insert(seen.end(), page.begin(), page.end());
    Json after = Body(r)["next_before"];
    next = after.is_null() ? "" : "/audit?limit=3&before=" + std::to_string(after.get<int>());
    ASSERT_LE(++pages, 3);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{9, 8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(Sequences(StaffGet(&owner_, base_ + "/audit?before=3")),
            (std::vector<std::int64_t>{2, 1}));
  // The default limit is 100.
  for (int i = 0; i < 100; ++i) Append(desk_, "2026-11-26T12:00:00Z");
  auto full = StaffGet(&owner_, base_ + "/audit");
  EXPECT_EQ(Sequences(full).size(), 100u);
  EXPECT_FALSE(Body(full)["next_before"].is_null());
}

TEST_F(AuditRoutesTest, BadParametersAreNamed) {
  struct Case {
    std::string query;
    std::string field;
  };
  for (const Case& c :
       std::vector<Case>{{"staff=abc", "staff"},
                         {"staff=0", "staff"},
                         {"patient=-1", "patient"},
                         {"patient=1.0", "patient"},
                         {"from=yesterday", "from"},
                         {"from=2026-02-30", "from"},
                         {"from=2026-11-26T10:00:00", "from"},  // no offset
                         {"to=2026-11-26T25:00:00Z", "to"},
                         {"to=26.11.2026", "to"},
                         {"before=0", "before"},
                         {"before=x", "before"},
                         {"limit=0", "limit"},
                         {"limit=1001", "limit"},
                         {"limit=ten", "limit"},
                         {"from=2026-11-26&to=2026-11-25", "to"},
                         {"from=2026-11-26T10:00:00Z&to=2026-11-26T10:00:00Z", "to"}}) {
    for (const char* route : {"/audit?", "/audit.csv?"}) {
      auto r = StaffGet(&owner_, base_ + route + c.query);
      EXPECT_EQ(r.status, 400u) << route << c.query << ": " << r.body;
      EXPECT_EQ(r.content_type, "application/problem+json") << c.query;
      EXPECT_EQ(FirstField(r), c.field) << route << c.query;
    }
  }
  // The export's own cap bounds its limit.
  EXPECT_EQ(FirstField(StaffGet(&owner_, base_ + "/audit.csv?limit=21")), "limit");
}

TEST_F(AuditRoutesTest, ViewingTheLogIsItselfRecorded) {
  ana_ = AddPatient("Ana", "Ruiz", "ana.ruiz@example.org", "+14155550142");
  Append(desk_, "2026-11-26T10:00:00Z", "", ana_.id);
  auto r = StaffGet(
      &owner_,
      base_ + "/audit?patient=" + std::to_string(ana_.id.value()) + "&from=2026-11-26&limit=10",
      "req-audit-view");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto log = AuditLog();
  ASSERT_EQ(log.size(), 6u);
  const AuditEntry& entry = log[0];
  EXPECT_EQ(entry.staff, owner_.account.id);
  EXPECT_EQ(entry.role, StaffRole::kOwner);
  EXPECT_EQ(entry.action, "view_audit_log");
  EXPECT_EQ(entry.patient, ana_.id);  // the owner looked at this patient's trail
  EXPECT_EQ(entry.record, "audit");
  EXPECT_EQ(entry.detail, "1 entries (from=2026-11-26T08:00:00Z)");
  EXPECT_EQ(entry.request_id, "req-audit-view");
  auto csv = StaffGet(&owner_, base_ + "/audit.csv", "req-audit-export");
  ASSERT_EQ(csv.status, 200u) << csv.body;
  log = AuditLog();
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[0].action, "export_audit_log");
  EXPECT_EQ(log[0].record, "audit.csv");
  EXPECT_EQ(log[0].detail, "exported 6 entries");
  EXPECT_EQ(log[0].patient, std::nullopt);
  EXPECT_EQ(log[0].request_id, "req-audit-export");
}

TEST_F(AuditRoutesTest, TheCsvIsADownloadWithAHeaderRowAndQuotedCells) {
  Append(desk_, "2026-11-26T10:00:00Z", "kept 2 appointments, moved \"one\"");
  Append(desk_, "2026-11-26T10:01:00Z", "line one\nline two");
  auto r =
      StaffGet(&owner_, base_ + "/audit.csv?staff=" + std::to_string(desk_.account.id.value()));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(HeaderOf(r, "Content-Disposition"),
            "attachment; filename=\"audit-mission-sports-chiro-2026-11-26.csv\"");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(r, "X-Next-Before"), "(none)");
  const std::string desk = std::to_string(desk_.account.id.value());
  EXPECT_EQ(r.body,
            "sequence,at,staff_id,staff_email,role,action,patient_id,record,detail,client_address,"
            "request_id\r\n"
            "6,2026-11-26T10:01:00Z," +
                desk +
                ",desk@example.org,front_desk,view_patient_contact,,,\"line one\nline "
                "two\",198.51.100.4,req-appended\r\n"
                "5,2026-11-26T10:00:00Z," +
                desk +
                ",desk@example.org,front_desk,view_patient_contact,,,\"kept 2 appointments, "
                "moved \"\"one\"\"\",198.51.100.4,req-appended\r\n"
                "2,2026-11-26T18:00:00Z," +
                desk + ",desk@example.org,front_desk,sign_in,,,,203.0.113.7,\r\n");
}

TEST_F(AuditRoutesTest, CellsThatASpreadsheetWouldRunAreNeutralised) {
  Append(desk_, "2026-11-26T10:00:00Z", "=HYPERLINK(\"http://evil.example\",\"x\")");
  Append(desk_, "2026-11-26T10:01:00Z", "+1+2");
  Append(desk_, "2026-11-26T10:02:00Z", "-2+3");
  Append(desk_, "2026-11-26T10:03:00Z", "@SUM(A1:A9)");
  Append(desk_, "2026-11-26T10:04:00Z", "\t=1+1");
  Append(desk_, "2026-11-26T10:05:00Z", "\r=1+1");
  Append(desk_, "2026-11-26T10:06:00Z", "a=1+1");  // not at the start: a plain value
  auto r =
      StaffGet(&owner_, base_ + "/audit.csv?from=2026-11-26T10:00:00Z&to=2026-11-26T11:00:00Z");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto lines = Lines(r.body);
  ASSERT_EQ(lines.size(), 8u);
  std::vector<std::string> details;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    // The detail is the ninth cell; the lines' other cells hold no commas or quotes.
    const std::string& line = lines[i];
    std::size_t start = 0;
    for (int comma = 0; comma < 8; ++comma) start = line.find(',', start) + 1;
    std::size_t end = line.rfind(',', line.rfind(',') - 1);
    details.push_back(line.substr(start, end - start));
  }
  EXPECT_EQ(details, (std::vector<std::string>{"a=1+1", "\"'\r=1+1\"", "'\t=1+1", "'@SUM(A1:A9)",
                                               "'-2+3", "'+1+2",
                                               // quoted too, for its comma
                                               "\"'=HYPERLINK(\"\"http://evil.example\"\","
                                               "\"\"x\"\")\""}));
}

TEST_F(AuditRoutesTest, TheFileIsNamedForTheClinicsLocalDate) {
  // 03:00Z on the 27th is still the 26th in San Francisco.
  clock_.Set(core::ParseInstant("2026-11-27T03:00:00Z").value());
  SignedIn late = SignIn(owner_.account);
  auto r = StaffGet(&late, base_ + "/audit.csv");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(HeaderOf(r, "Content-Disposition"),
            "attachment; filename=\"audit-mission-sports-chiro-2026-11-26.csv\"");
}

TEST_F(AuditRoutesTest, AnExportPastItsCapIsRefusedUnlessALimitIsGiven) {
  for (int i = 0; i < 20; ++i) Append(desk_, "2026-11-26T10:00:00Z");  // 24 entries in all
  auto refused = StaffGet(&owner_, base_ + "/audit.csv");
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.content_type, "application/problem+json");
  EXPECT_EQ(FirstField(refused), "from");
  // Narrowed below the cap, it goes through.
  auto narrowed =
      StaffGet(&owner_, base_ + "/audit.csv?staff=" + std::to_string(desk_.account.id.value()));
  EXPECT_EQ(narrowed.status, 422u);  // 21 of the desk's
  auto window = StaffGet(&owner_, base_ + "/audit.csv?from=2026-11-26T18:00:00Z");
  ASSERT_EQ(window.status, 200u) << window.body;
  EXPECT_EQ(Lines(window.body).size(), 1u + 4u + 2u);  // sign-ins and the refused exports
  // With a limit the newest are exported and X-Next-Before says where the rest begin.
  auto first = StaffGet(&owner_, base_ + "/audit.csv?limit=10");
  ASSERT_EQ(first.status, 200u) << first.body;
  auto lines = Lines(first.body);
  ASSERT_EQ(lines.size(), 11u);
  const std::string last_sequence = lines.back().substr(0, lines.back().find(','));
  EXPECT_EQ(HeaderOf(first, "X-Next-Before"), last_sequence);
}

TEST_F(AuditRoutesTest, OnlyTheOwnerMayViewOrExport) {
  for (const SignedIn* who : {&desk_, &okafor_, &other_practitioner_}) {
    for (const char* route : {"/audit", "/audit.csv"}) {
      const auto before = AuditLog().size();
      auto r = StaffGet(who, base_ + route);
      EXPECT_EQ(r.status, 403u) << route << " " << who->account.email;
      EXPECT_EQ(r.content_type, "application/problem+json");
      EXPECT_EQ(r.body.find("sign_in"), std::string::npos);
      EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
      EXPECT_EQ(HeaderOf(r, "Content-Disposition"), "(none)");
      auto log = AuditLog();
      ASSERT_EQ(log.size(), before + 1);  // the refusal is recorded
      EXPECT_EQ(log[0].staff, who->account.id);
      EXPECT_TRUE(log[0].detail.starts_with("refused")) << log[0].detail;
    }
  }
  for (const char* route : {"/audit", "/audit.csv"}) {
    auto r = StaffGet(nullptr, base_ + route);
    EXPECT_EQ(r.status, 401u) << route;
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");
  }
}

TEST_F(AuditRoutesTest, AnotherClinicsLogIsNotFound) {
  core::clinic::ClinicSetup other = app::DemoClinicSetup(clock_.Now()).value();
  other.clinic.slug = "other-clinic";
  ASSERT_TRUE(storage_->CreateClinic(other));
  for (const char* route : {"/audit", "/audit.csv"}) {
    EXPECT_EQ(StaffGet(&owner_, std::string("/api/v1/clinics/other-clinic") + route).status, 404u);
  }
}

}  // namespace
}  // namespace unknot::api
