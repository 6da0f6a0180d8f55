// SqliteStorage's staff accounts and sessions (core/ports/staff.hpp). Reads use a pooled reader;
// every write runs on the single writer together with its audit entry (audit_sql.hpp).

#include <sqlite3.h>

#include "storage/audit_chain.hpp"
#include "storage/sqlite/audit_sql.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

namespace unknot::storage::sqlite {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::staff::AuditEntry;
using core::staff::Session;
using core::staff::StaffAccount;

namespace {

const std::string kStaffColumns =
    "id, clinic_id, email, display_name, role, practitioner_id, disabled, password_hash, "
    "created_at, password_changed_at";

// The staff columns read from `first` on.
Result<StaffAccount> ReadStaff(const Statement& s, int first = 0) {
  StaffAccount a;
  a.id = core::StaffId{s.Int(first)};
  a.clinic = core::ClinicId{s.Int(first + 1)};
  a.email = s.Text(first + 2);
  a.display_name = s.Text(first + 3);
  a.role = UNKNOT_TRY(
      ParseColumn<core::staff::StaffRole>(s, first + 4, core::staff::ParseStaffRole, "staff role"));
  if (auto practitioner = s.OptionalInt(first + 5)) {
    a.practitioner = core::PractitionerId{*practitioner};
  }
  a.disabled = s.Int(first + 6) != 0;
  a.password_hash = s.Text(first + 7);
  a.created_at = FromSeconds(s.Int(first + 8));
  a.password_changed_at = FromSeconds(s.Int(first + 9));
  return a;
}

const std::string kSessionColumns =
    "id, secret_hash, clinic_id, staff_id, csrf_token, created_at, last_seen_at, expires_at, "
    "client_address, ended_at";
constexpr int kSessionColumnCount = 10;

Session ReadSession(const Statement& s) {
  Session session;
  session.id = core::SessionId{s.Int(0)};
  session.secret_hash = s.Text(1);
  session.clinic = core::ClinicId{s.Int(2)};
  session.staff = core::StaffId{s.Int(3)};
  session.csrf_token = s.Text(4);
  session.created_at = FromSeconds(s.Int(5));
  session.last_seen_at = FromSeconds(s.Int(6));
  session.expires_at = FromSeconds(s.Int(7));
  session.client_address = s.Text(8);
  if (auto ended = s.OptionalInt(9)) session.ended_at = FromSeconds(*ended);
  return session;
}

std::optional<std::int64_t> OptionalId(const auto& id) {
  return id ? std::optional<std::int64_t>{id->value()} : std::nullopt;
}

Result<bool> ClinicExists(Connection& db, core::ClinicId clinic) {
  Statement stmt =
      UNKNOT_TRY(db.PrepareCached("SELECT EXISTS (SELECT 1 FROM clinics WHERE id = ?1)"));
  stmt.Bind(1, clinic.value());
  UNKNOT_TRY(stmt.Step());
  return stmt.Int(0) != 0;
}

Result<StaffAccount> FindStaffRow(Connection& db, core::ClinicId clinic, core::StaffId staff) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached("SELECT " + kStaffColumns +
                                               " FROM staff_accounts WHERE clinic_id = ?1 "
                                               "AND id = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, staff.value());
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such staff account");
  return ReadStaff(stmt);
}

// kInvalidArgument ("practitioner_id") when the account names a practitioner of another clinic.
Result<void> CheckPractitioner(Connection& db, const StaffAccount& account) {
  if (!account.practitioner) return core::Ok();
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "SELECT EXISTS (SELECT 1 FROM practitioners WHERE clinic_id = ?1 AND id = ?2)"));
  stmt.Bind(1, account.clinic.value()).Bind(2, account.practitioner->value());
  UNKNOT_TRY(stmt.Step());
  if (stmt.Int(0) == 0) {
    return Error::InvalidField("practitioner_id", "is not a practitioner of this clinic");
  }
  return core::Ok();
}

// Ends the account's sessions that are not ended yet, but `keep`; how many.
Result<int> EndSessionRows(Connection& db, core::ClinicId clinic, core::StaffId staff,
                           core::Instant now, std::optional<core::SessionId> keep) {
  Statement stmt = UNKNOT_TRY(db.PrepareCached(
      "UPDATE staff_sessions SET ended_at = ?3 WHERE clinic_id = ?1 AND staff_id = ?2 "
      "AND ended_at IS NULL AND (?4 IS NULL OR id <> ?4)"));
  stmt.Bind(1, clinic.value()).Bind(2, staff.value()).Bind(3, Seconds(now));
  stmt.Bind(4, OptionalId(keep));
  UNKNOT_TRY(stmt.Run());
  return db.Changes();
}

}  // namespace

Result<StaffAccount> SqliteStorage::CreateStaff(const StaffAccount& account,
                                                const std::optional<AuditEntry>& audit) {
  StaffAccount stored = account;
  stored.email = core::staff::NormalizeEmail(account.email);
  UNKNOT_TRY(core::staff::Validate(stored));
  return writer_->Write<StaffAccount>([&](Connection& db) -> Result<StaffAccount> {
    if (!UNKNOT_TRY(ClinicExists(db, stored.clinic))) return Error::NotFound("no such clinic");
    UNKNOT_TRY(CheckPractitioner(db, stored));
    Statement insert = UNKNOT_TRY(db.PrepareCached(
        "INSERT INTO staff_accounts (clinic_id, email, display_name, role, practitioner_id, "
        "disabled, password_hash, created_at, password_changed_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    insert.Bind(1, stored.clinic.value()).Bind(2, stored.email).Bind(3, stored.display_name);
    insert.Bind(4, core::staff::ToString(stored.role)).Bind(5, OptionalId(stored.practitioner));
    insert.Bind(6, std::int64_t{stored.disabled ? 1 : 0}).Bind(7, stored.password_hash);
    insert.Bind(8, Seconds(stored.created_at)).Bind(9, Seconds(stored.password_changed_at));
    auto id = Insert(insert, db);
    if (!id) {
      if (id.error().code() == ErrorCode::kConflict &&
          sqlite3_extended_errcode(db.raw()) == SQLITE_CONSTRAINT_UNIQUE) {
        return Error(ErrorCode::kConflict, "the clinic has an account with this email",
                     {{"email", "is taken"}});
      }
      return std::move(id).error();
    }
    stored.id = core::StaffId{*id};
    if (audit) {
      AuditEntry entry = *audit;
      if (entry.record.empty()) entry.record = "staff/" + std::to_string(stored.id.value());
      UNKNOT_TRY(AppendAuditRow(db, stored.clinic, entry));
    }
    return stored;
  });
}

Result<StaffAccount> SqliteStorage::FindStaffByEmail(core::ClinicId clinic,
                                                     std::string_view email) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kStaffColumns + " FROM staff_accounts WHERE clinic_id = ?1 AND email = ?2"));
  stmt.Bind(1, clinic.value()).Bind(2, core::staff::NormalizeEmail(email));
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such staff account");
  return ReadStaff(stmt);
}

Result<StaffAccount> SqliteStorage::FindStaff(core::ClinicId clinic, core::StaffId staff) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return FindStaffRow(reader->db(), clinic, staff);
}

Result<std::vector<StaffAccount>> SqliteStorage::ListStaff(core::ClinicId clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return QueryAll<StaffAccount>(
      reader->db(),
      "SELECT " + kStaffColumns + " FROM staff_accounts WHERE clinic_id = ?1 ORDER BY id", clinic,
      [](const Statement& s) { return ReadStaff(s); });
}

Result<StaffAccount> SqliteStorage::SetStaffDisabled(core::ClinicId clinic, core::StaffId staff,
                                                     bool disabled, core::Instant now,
                                                     const AuditEntry& audit) {
  return writer_->Write<StaffAccount>([&](Connection& db) -> Result<StaffAccount> {
    Statement stmt = UNKNOT_TRY(db.PrepareCached(
        "UPDATE staff_accounts SET disabled = ?3 WHERE clinic_id = ?1 AND id = ?2"));
    stmt.Bind(1, clinic.value()).Bind(2, staff.value()).Bind(3, std::int64_t{disabled ? 1 : 0});
    UNKNOT_TRY(stmt.Run());
    if (db.Changes() == 0) return Error::NotFound("no such staff account");
    if (disabled) UNKNOT_TRY(EndSessionRows(db, clinic, staff, now, std::nullopt));
    UNKNOT_TRY(AppendAuditRow(db, clinic, audit));
    return FindStaffRow(db, clinic, staff);
  });
}

Result<StaffAccount> SqliteStorage::UpdateStaff(const StaffAccount& account,
                                                const AuditEntry& audit) {
  return writer_->Write<StaffAccount>([&](Connection& db) -> Result<StaffAccount> {
    // The stored account with the new role and link is what must be valid.
    StaffAccount updated = UNKNOT_TRY(FindStaffRow(db, account.clinic, account.id));
    updated.role = account.role;
    updated.practitioner = account.practitioner;
    updated.display_name = account.display_name;
    UNKNOT_TRY(core::staff::Validate(updated));
    UNKNOT_TRY(CheckPractitioner(db, updated));
    Statement stmt =
        UNKNOT_TRY(db.PrepareCached("UPDATE staff_accounts SET role = ?3, practitioner_id = ?4, "
                                    "display_name = ?5 WHERE clinic_id = ?1 AND id = ?2"));
    stmt.Bind(1, updated.clinic.value()).Bind(2, updated.id.value());
    stmt.Bind(3, core::staff::ToString(updated.role)).Bind(4, OptionalId(updated.practitioner));
    stmt.Bind(5, updated.display_name);
    UNKNOT_TRY(stmt.Run());
    UNKNOT_TRY(AppendAuditRow(db, updated.clinic, audit));
    return updated;
  });
}

Result<void> SqliteStorage::SetPasswordHash(core::ClinicId clinic, core::StaffId staff,
                                            std::string_view hash, core::Instant now,
                                            std::optional<core::SessionId> keep,
                                            const std::optional<AuditEntry>& audit) {
  return writer_->Write<void>([&](Connection& db) -> Result<void> {
    Statement stmt = UNKNOT_TRY(
        db.PrepareCached("UPDATE staff_accounts SET password_hash = ?3, password_changed_at = ?4 "
                         "WHERE clinic_id = ?1 AND id = ?2"));
    stmt.Bind(1, clinic.value()).Bind(2, staff.value()).Bind(3, hash).Bind(4, Seconds(now));
    UNKNOT_TRY(stmt.Run());
    if (db.Changes() == 0) return Error::NotFound("no such staff account");
    UNKNOT_TRY(EndSessionRows(db, clinic, staff, now, keep));
    return AppendAuditIfAny(db, clinic, audit);
  });
}

Result<Session> SqliteStorage::CreateSession(const Session& session, const AuditEntry& audit) {
  return writer_->Write<Session>([&](Connection& db) -> Result<Session> {
    if (!UNKNOT_TRY(ClinicExists(db, session.clinic))) return Error::NotFound("no such clinic");
    UNKNOT_TRY(FindStaffRow(db, session.clinic, session.staff));
    Statement insert = UNKNOT_TRY(db.PrepareCached(
        "INSERT INTO staff_sessions (secret_hash, clinic_id, staff_id, csrf_token, created_at, "
        "last_seen_at, expires_at, client_address, ended_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    insert.Bind(1, session.secret_hash).Bind(2, session.clinic.value());
    insert.Bind(3, session.staff.value()).Bind(4, session.csrf_token);
    insert.Bind(5, Seconds(session.created_at)).Bind(6, Seconds(session.last_seen_at));
    insert.Bind(7, Seconds(session.expires_at)).Bind(8, session.client_address);
    insert.Bind(9, session.ended_at ? std::optional<std::int64_t>{Seconds(*session.ended_at)}
                                    : std::nullopt);
    Session stored = session;
    stored.id = core::SessionId{UNKNOT_TRY(Insert(insert, db))};
    UNKNOT_TRY(AppendAuditRow(db, session.clinic, audit));
    return stored;
  });
}

Result<SqliteStorage::SessionWithStaff> SqliteStorage::FindSession(std::string_view secret_hash) {
  auto reader = UNKNOT_TRY(BorrowReader());
  static const std::string sql =
      "SELECT s.id, s.secret_hash, s.clinic_id, s.staff_id, s.csrf_token, s.created_at, "
      "s.last_seen_at, s.expires_at, s.client_address, s.ended_at, a.id, a.clinic_id, a.email, "
      "a.display_name, a.role, a.practitioner_id, a.disabled, a.password_hash, a.created_at, "
      "a.password_changed_at FROM staff_sessions s JOIN staff_accounts a "
      "ON a.clinic_id = s.clinic_id AND a.id = s.staff_id WHERE s.secret_hash = ?1";
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(sql));
  stmt.Bind(1, secret_hash);
  if (!UNKNOT_TRY(stmt.Step())) return Error::NotFound("no such session");
  return SessionWithStaff{ReadSession(stmt), UNKNOT_TRY(ReadStaff(stmt, kSessionColumnCount))};
}

Result<void> SqliteStorage::TouchSession(core::SessionId session, core::Instant now) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt = UNKNOT_TRY(db.PrepareCached(
            "UPDATE staff_sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id = ?1"));
        stmt.Bind(1, session.value()).Bind(2, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0) return Error::NotFound("no such session");
        return core::Ok();
      },
      Durability::kRelaxed, Touches::kNotTheSchedule);
}

Result<void> SqliteStorage::EndSession(core::ClinicId clinic, core::SessionId session,
                                       core::Instant now, const std::optional<AuditEntry>& audit) {
  return writer_->Write<void>(
      [&](Connection& db) -> Result<void> {
        Statement stmt = UNKNOT_TRY(
            db.PrepareCached("UPDATE staff_sessions SET ended_at = coalesce(ended_at, ?3) "
                             "WHERE clinic_id = ?1 AND id = ?2"));
        stmt.Bind(1, clinic.value()).Bind(2, session.value()).Bind(3, Seconds(now));
        UNKNOT_TRY(stmt.Run());
        if (db.Changes() == 0) return Error::NotFound("no such session");
        return AppendAuditIfAny(db, clinic, audit);
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<int> SqliteStorage::EndSessionsOf(core::ClinicId clinic, core::StaffId staff,
                                         core::Instant now, std::optional<core::SessionId> keep,
                                         const std::optional<AuditEntry>& audit) {
  return writer_->Write<int>(
      [&](Connection& db) -> Result<int> {
        UNKNOT_TRY(FindStaffRow(db, clinic, staff));
        int ended = UNKNOT_TRY(EndSessionRows(db, clinic, staff, now, keep));
        UNKNOT_TRY(AppendAuditIfAny(db, clinic, audit));
        return ended;
      },
      Durability::kFull, Touches::kNotTheSchedule);
}

Result<std::vector<Session>> SqliteStorage::ListSessions(core::ClinicId clinic,
                                                         std::optional<core::StaffId> staff,
                                                         core::Instant now) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Statement stmt = UNKNOT_TRY(reader->db().PrepareCached(
      "SELECT " + kSessionColumns +
      " FROM staff_sessions WHERE clinic_id = ?1 AND ended_at IS NULL AND expires_at > ?2 "
      "AND (?3 IS NULL OR staff_id = ?3) ORDER BY created_at DESC, id DESC"));
  stmt.Bind(1, clinic.value()).Bind(2, Seconds(now)).Bind(3, OptionalId(staff));
  std::vector<Session> sessions;
  while (UNKNOT_TRY(stmt.Step())) sessions.push_back(ReadSession(stmt));
  return sessions;
}

Result<AuditEntry> SqliteStorage::AppendAudit(const AuditEntry& entry) {
  // The entry of a read: durable against a crash of the process at once, against a power cut
  // within kRelaxedSyncDelay (docs/reliability.md). Entries of writes commit with their write.
  return writer_->Write<AuditEntry>(
      [&](Connection& db) { return AppendAuditRow(db, entry.clinic, entry); }, Durability::kRelaxed,
      Touches::kNotTheSchedule);
}

Result<std::vector<AuditEntry>> SqliteStorage::ListAudit(core::ClinicId clinic,
                                                         const core::ports::AuditFilter& filter) {
  auto reader = UNKNOT_TRY(BorrowReader());
  return ListAuditRows(reader->db(), clinic, filter);
}

Result<std::vector<core::ports::BrokenLink>> SqliteStorage::VerifyAudit(
    std::optional<core::ClinicId> clinic) {
  auto reader = UNKNOT_TRY(BorrowReader());
  Connection& db = reader->db();
  // One read transaction: the walk sees one moment of the log.
  return InReadTransaction(db, [&] { return VerifyAuditRows(db, clinic); });
}

}  // namespace unknot::storage::sqlite
