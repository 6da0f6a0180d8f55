#include "api/json/audit_csv.hpp"

#include <gtest/gtest.h>

namespace unknot::api::json {
namespace {

TEST(CsvCell, PlainTextStaysAsItIs) {
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("patient/12"), "patient/12");
  EXPECT_EQ(CsvCell("2026-11-26T10:00:00Z"), "2026-11-26T10:00:00Z");
  EXPECT_EQ(CsvCell("Zoë"), "Zoë");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(CsvCell, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("one\ntwo"), "\"one\ntwo\"");
  EXPECT_EQ(CsvCell("one\r\ntwo"), "\"one\r\ntwo\"");
}

TEST(CsvCell, FormulaStartsGetAnApostrophe) {
  EXPECT_EQ(CsvCell("=1+1"), "'=1+1");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-1"), "'-1");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\t=1"), "'\t=1");
  EXPECT_EQ(CsvCell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvCell("=A1,B1"), "\"'=A1,B1\"");
}

TEST(AuditCsv, HeaderAndOneRowPerEntry) {
  core::staff::AuditEntry entry;
  entry.sequence = 7;
  entry.staff = core::StaffId{3};
  entry.staff_email = "desk@example.org";
  entry.role = core::staff::StaffRole::kFrontDesk;
  entry.action = "view_patient_contact";
  entry.patient = core::PatientId{12};
  entry.record = "patient/12";
  entry.detail = "2 appointments, 1 self-assessments";
  entry.at = core::ParseInstant("2026-11-26T10:00:00Z").value();
  entry.client_address = "2001:db8::1";
  entry.request_id = "r-1";
  core::staff::AuditEntry anonymous;
  anonymous.sequence = 6;
  anonymous.action = "sign_in_failed";
  anonymous.at = entry.at;
  std::vector<core::staff::AuditEntry> entries{entry, anonymous};
  EXPECT_EQ(AuditCsv(entries),
            "sequence,at,staff_id,staff_email,role,action,patient_id,record,detail,client_address,"
            "request_id\r\n"
            "7,2026-11-26T10:00:00Z,3,desk@example.org,front_desk,view_patient_contact,12,"
            "patient/12,\"2 appointments, 1 self-assessments\",2001:db8::1,r-1\r\n"
            "6,2026-11-26T10:00:00Z,,,,sign_in_failed,,,,,\r\n");
}

}  // namespace
}  // namespace unknot::api::json
