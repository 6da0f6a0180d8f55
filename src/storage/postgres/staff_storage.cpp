// PostgresStorage's staff accounts, sessions and audit log (core/ports/staff.hpp). Every write is
// one transaction together with its audit entry (audit_storage.hpp).

#include "storage/audit_chain.hpp"
#include "storage/postgres/audit_storage.hpp"
#include "storage/postgres/postgres_storage.hpp"
#include "storage/postgres/rows.hpp"

namespace unknot::storage::postgres {

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
Result<StaffAccount> ReadStaff(const pqxx::row& r, int first = 0) {
  StaffAccount a;
  a.id = core::StaffId{Int(r[first])};
  a.clinic = core::ClinicId{Int(r[first + 1])};
  a.email = Text(r[first + 2]);
  a.display_name = Text(r[first + 3]);
  a.role = UNKNOT_TRY(
      ParseField<core::staff::StaffRole>(r[first + 4], core::staff::ParseStaffRole, "staff role"));
  if (!r[first + 5].is_null()) a.practitioner = core::PractitionerId{Int(r[first + 5])};
  a.disabled = r[first + 6].as<bool>();
  a.password_hash = Text(r[first + 7]);
  a.created_at = FromSeconds(Int(r[first + 8]));
  a.password_changed_at = FromSeconds(Int(r[first + 9]));
  return a;
}

const std::string kSessionColumns =
    "id, secret_hash, clinic_id, staff_id, csrf_token, created_at, last_seen_at, expires_at, "
    "client_address, ended_at";
constexpr int kSessionColumnCount = 10;

Session ReadSession(const pqxx::row& r) {
  Session s;
  s.id = core::SessionId{Int(r[0])};
  s.secret_hash = Text(r[1]);
  s.clinic = core::ClinicId{Int(r[2])};
  s.staff = core::StaffId{Int(r[3])};
  s.csrf_token = Text(r[4]);
  s.created_at = FromSeconds(Int(r[5]));
  s.last_seen_at = FromSeconds(Int(r[6]));
  s.expires_at = FromSeconds(Int(r[7]));
  s.client_address = Text(r[8]);
  if (!r[9].is_null()) s.ended_at = FromSeconds(Int(r[9]));
  return s;
}

// An optional id as a query parameter: its text, or NULL.
class OptionalId {
 public:
  template <typename Id>
  explicit OptionalId(const std::optional<Id>& id)
      : text_(id ? std::to_string(id->value()) : ""), set_(id.has_value()) {}
  const char* get() const { return set_ ? text_.c_str() : nullptr; }

 private:
  std::string text_;
  bool set_;
};

bool ClinicExists(pqxx::transaction_base& tx, core::ClinicId clinic) {
  return !tx.exec_params("SELECT 1 FROM clinics WHERE id = $1", clinic.value()).empty();
}

Result<StaffAccount> FindStaffRow(pqxx::transaction_base& tx, core::ClinicId clinic,
                                  core::StaffId staff) {
  auto rows = tx.exec_params(
      "SELECT " + kStaffColumns + " FROM staff_accounts WHERE clinic_id = $1 AND id = $2",
      clinic.value(), staff.value());
  if (rows.empty()) return Error::NotFound("no such staff account");
  return ReadStaff(rows[0]);
}

// kInvalidArgument ("practitioner_id") when the account names a practitioner of another clinic.
Result<void> CheckPractitioner(pqxx::transaction_base& tx, const StaffAccount& account) {
  if (!account.practitioner) return core::Ok();
  if (tx.exec_params("SELECT 1 FROM practitioners WHERE clinic_id = $1 AND id = $2",
                     account.clinic.value(), account.practitioner->value())
          .empty()) {
    return Error::InvalidField("practitioner_id", "is not a practitioner of this clinic");
  }
  return core::Ok();
}

// Ends the account's sessions that are not ended yet, but `keep`; how many.
int EndSessionRows(pqxx::transaction_base& tx, core::ClinicId clinic, core::StaffId staff,
                   core::Instant now, std::optional<core::SessionId> keep) {
  OptionalId kept(keep);
  auto ended = tx.exec_params(
      "UPDATE staff_sessions SET ended_at = $3 WHERE clinic_id = $1 AND staff_id = $2 "
      "AND ended_at IS NULL AND ($4::bigint IS NULL OR id <> $4)",
      clinic.value(), staff.value(), Seconds(now), kept.get());
  return static_cast<int>(ended.affected_rows());
}

}  // namespace

Result<StaffAccount> PostgresStorage::CreateStaff(const StaffAccount& account,
                                                  const std::optional<AuditEntry>& audit) {
  StaffAccount stored = account;
  stored.email = core::staff::NormalizeEmail(account.email);
  UNKNOT_TRY(core::staff::Validate(stored));
  return WriteOnce<StaffAccount>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<StaffAccount> {
    if (!ClinicExists(tx, stored.clinic)) return Error::NotFound("no such clinic");
    UNKNOT_TRY(CheckPractitioner(tx, stored));
    OptionalId practitioner(stored.practitioner);
    // ON CONFLICT: a taken email is an answer, not an aborted transaction.
    auto rows = tx.exec_params(
        "INSERT INTO staff_accounts (clinic_id, email, display_name, role, practitioner_id, "
        "disabled, password_hash, created_at, password_changed_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT ON CONSTRAINT staff_accounts_email_unique DO NOTHING RETURNING id",
        stored.clinic.value(), stored.email, stored.display_name,
        std::string(core::staff::ToString(stored.role)), practitioner.get(), stored.disabled,
        stored.password_hash, Seconds(stored.created_at), Seconds(stored.password_changed_at));
    if (rows.empty()) {
      return Error(ErrorCode::kConflict, "the clinic has an account with this email",
                   {{"email", "is taken"}});
    }
    stored.id = core::StaffId{Int(rows[0][0])};
    if (audit) {
      AuditEntry entry = *audit;
      if (entry.record.empty()) entry.record = "staff/" + std::to_string(stored.id.value());
      UNKNOT_TRY(AppendAuditRow(tx, stored.clinic, entry));
    }
    return stored;
  });
}

Result<StaffAccount> PostgresStorage::FindStaffByEmail(core::ClinicId clinic,
                                                       std::string_view email) {
  return ReadOnce<StaffAccount>(*pool_, [&](pqxx::transaction_base& tx) -> Result<StaffAccount> {
    auto rows = tx.exec_params(
        "SELECT " + kStaffColumns + " FROM staff_accounts WHERE clinic_id = $1 AND email = $2",
        clinic.value(), core::staff::NormalizeEmail(email));
    if (rows.empty()) return Error::NotFound("no such staff account");
    return ReadStaff(rows[0]);
  });
}

Result<StaffAccount> PostgresStorage::FindStaff(core::ClinicId clinic, core::StaffId staff) {
  return ReadOnce<StaffAccount>(
      *pool_, [&](pqxx::transaction_base& tx) { return FindStaffRow(tx, clinic, staff); });
}

Result<std::vector<StaffAccount>> PostgresStorage::ListStaff(core::ClinicId clinic) {
  return ReadOnce<std::vector<StaffAccount>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<StaffAccount>> {
        std::vector<StaffAccount> accounts;
        for (const pqxx::row& r : tx.exec_params("SELECT " + kStaffColumns +
                                                     " FROM staff_accounts WHERE clinic_id = $1 "
                                                     "ORDER BY id",
                                                 clinic.value())) {
          accounts.push_back(UNKNOT_TRY(ReadStaff(r)));
        }
        return accounts;
      });
}

Result<StaffAccount> PostgresStorage::SetStaffDisabled(core::ClinicId clinic, core::StaffId staff,
                                                       bool disabled, core::Instant now,
                                                       const AuditEntry& audit) {
  return WriteOnce<StaffAccount>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<StaffAccount> {
    auto rows = tx.exec_params(
        "UPDATE staff_accounts SET disabled = $3 WHERE clinic_id = $1 "
        "AND id = $2 RETURNING " +
            kStaffColumns,
        clinic.value(), staff.value(), disabled);
    if (rows.empty()) return Error::NotFound("no such staff account");
    if (disabled) EndSessionRows(tx, clinic, staff, now, std::nullopt);
    UNKNOT_TRY(AppendAuditRow(tx, clinic, audit));
    return ReadStaff(rows[0]);
  });
}

Result<StaffAccount> PostgresStorage::UpdateStaff(const StaffAccount& account,
                                                  const AuditEntry& audit) {
  return WriteOnce<StaffAccount>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<StaffAccount> {
    // The stored account with the new role and link is what must be valid.
    auto rows = tx.exec_params("SELECT " + kStaffColumns +
                                   " FROM staff_accounts WHERE clinic_id = $1 AND id = $2 "
                                   "FOR UPDATE",
                               account.clinic.value(), account.id.value());
    if (rows.empty()) return Error::NotFound("no such staff account");
    StaffAccount updated = UNKNOT_TRY(ReadStaff(rows[0]));
    updated.role = account.role;
    updated.practitioner = account.practitioner;
    updated.display_name = account.display_name;
    UNKNOT_TRY(core::staff::Validate(updated));
    UNKNOT_TRY(CheckPractitioner(tx, updated));
    OptionalId practitioner(updated.practitioner);
    tx.exec_params(
        "UPDATE staff_accounts SET role = $3, practitioner_id = $4, display_name = $5 "
        "WHERE clinic_id = $1 AND id = $2",
        updated.clinic.value(), updated.id.value(),
        std::string(core::staff::ToString(updated.role)), practitioner.get(), updated.display_name);
    UNKNOT_TRY(AppendAuditRow(tx, updated.clinic, audit));
    return updated;
  });
}

Result<void> PostgresStorage::SetPasswordHash(core::ClinicId clinic, core::StaffId staff,
                                              std::string_view hash, core::Instant now,
                                              std::optional<core::SessionId> keep,
                                              const std::optional<AuditEntry>& audit) {
  return WriteOnce<void>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<void> {
    auto updated = tx.exec_params(
        "UPDATE staff_accounts SET password_hash = $3, password_changed_at = $4 "
        "WHERE clinic_id = $1 AND id = $2",
        clinic.value(), staff.value(), std::string(hash), Seconds(now));
    if (updated.affected_rows() == 0) return Error::NotFound("no such staff account");
    EndSessionRows(tx, clinic, staff, now, keep);
    return AppendAuditIfAny(tx, clinic, audit);
  });
}

Result<Session> PostgresStorage::CreateSession(const Session& session, const AuditEntry& audit) {
  return WriteOnce<Session>(*pool_, [&](pqxx::dbtransaction& tx) -> Result<Session> {
    if (!ClinicExists(tx, session.clinic)) return Error::NotFound("no such clinic");
    UNKNOT_TRY(FindStaffRow(tx, session.clinic, session.staff));
    const std::string ended = session.ended_at ? std::to_string(Seconds(*session.ended_at)) : "";
    Session stored = session;
    stored.id = core::SessionId{Int(tx.exec_params1(
        "INSERT INTO staff_sessions (secret_hash, clinic_id, staff_id, csrf_token, created_at, "
        "last_seen_at, expires_at, client_address, ended_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        session.secret_hash, session.clinic.value(), session.staff.value(), session.csrf_token,
        Seconds(session.created_at), Seconds(session.last_seen_at), Seconds(session.expires_at),
        session.client_address, session.ended_at ? ended.c_str() : nullptr)[0])};
    UNKNOT_TRY(AppendAuditRow(tx, session.clinic, audit));
    return stored;
  });
}

Result<PostgresStorage::SessionWithStaff> PostgresStorage::FindSession(
    std::string_view secret_hash) {
  return ReadOnce<SessionWithStaff>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<SessionWithStaff> {
        auto rows = tx.exec_params(
            "SELECT s.id, s.secret_hash, s.clinic_id, s.staff_id, s.csrf_token, s.created_at, "
            "s.last_seen_at, s.expires_at, s.client_address, s.ended_at, a.id, a.clinic_id, "
            "a.email, a.display_name, a.role, a.practitioner_id, a.disabled, a.password_hash, "
            "a.created_at, a.password_changed_at FROM staff_sessions s JOIN staff_accounts a "
            "ON a.clinic_id = s.clinic_id AND a.id = s.staff_id WHERE s.secret_hash = $1",
            std::string(secret_hash));
        if (rows.empty()) return Error::NotFound("no such session");
        return SessionWithStaff{ReadSession(rows[0]),
                                UNKNOT_TRY(ReadStaff(rows[0], kSessionColumnCount))};
      });
}

Result<void> PostgresStorage::TouchSession(core::SessionId session, core::Instant now) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto updated = tx.exec_params(
            "UPDATE staff_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id = $1",
            session.value(), Seconds(now));
        if (updated.affected_rows() == 0) return Error::NotFound("no such session");
        return core::Ok();
      },
      Touches::kNotTheSchedule);
}

Result<void> PostgresStorage::EndSession(core::ClinicId clinic, core::SessionId session,
                                         core::Instant now,
                                         const std::optional<AuditEntry>& audit) {
  return WriteOnce<void>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<void> {
        auto updated = tx.exec_params(
            "UPDATE staff_sessions SET ended_at = coalesce(ended_at, $3) "
            "WHERE clinic_id = $1 AND id = $2",
            clinic.value(), session.value(), Seconds(now));
        if (updated.affected_rows() == 0) return Error::NotFound("no such session");
        return AppendAuditIfAny(tx, clinic, audit);
      },
      Touches::kNotTheSchedule);
}

Result<int> PostgresStorage::EndSessionsOf(core::ClinicId clinic, core::StaffId staff,
                                           core::Instant now, std::optional<core::SessionId> keep,
                                           const std::optional<AuditEntry>& audit) {
  return WriteOnce<int>(
      *pool_,
      [&](pqxx::dbtransaction& tx) -> Result<int> {
        UNKNOT_TRY(FindStaffRow(tx, clinic, staff));
        int ended = EndSessionRows(tx, clinic, staff, now, keep);
        UNKNOT_TRY(AppendAuditIfAny(tx, clinic, audit));
        return ended;
      },
      Touches::kNotTheSchedule);
}

Result<std::vector<Session>> PostgresStorage::ListSessions(core::ClinicId clinic,
                                                           std::optional<core::StaffId> staff,
                                                           core::Instant now) {
  return ReadOnce<std::vector<Session>>(
      *pool_, [&](pqxx::transaction_base& tx) -> Result<std::vector<Session>> {
        OptionalId only(staff);
        std::vector<Session> sessions;
        for (const pqxx::row& r :
             tx.exec_params("SELECT " + kSessionColumns +
                                " FROM staff_sessions WHERE clinic_id = $1 AND ended_at IS NULL "
                                "AND expires_at > $2 AND ($3::bigint IS NULL OR staff_id = $3) "
                                "ORDER BY created_at DESC, id DESC",
                            clinic.value(), Seconds(now), only.get())) {
          sessions.push_back(ReadSession(r));
        }
        return sessions;
      });
}

Result<AuditEntry> PostgresStorage::AppendAudit(const AuditEntry& entry) {
  return WriteOnce<AuditEntry>(
      *pool_, [&](pqxx::dbtransaction& tx) { return AppendAuditRow(tx, entry.clinic, entry); },
      Touches::kNotTheSchedule);
}

Result<std::vector<AuditEntry>> PostgresStorage::ListAudit(core::ClinicId clinic,
                                                           const core::ports::AuditFilter& filter) {
  return ReadOnce<std::vector<AuditEntry>>(
      *pool_, [&](pqxx::transaction_base& tx) { return ListAuditRows(tx, clinic, filter); });
}

Result<std::vector<core::ports::BrokenLink>> PostgresStorage::VerifyAudit(
    std::optional<core::ClinicId> clinic) {
  std::optional<Result<std::vector<core::ports::BrokenLink>>> out;
  UNKNOT_TRY(pool_->WithConnection([&](pqxx::connection& connection) -> Result<void> {
    // One snapshot for the whole walk, whatever is appended meanwhile.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(connection);
    out.emplace(VerifyAuditRows(tx, clinic));
    tx.commit();
    return core::Ok();
  }));
  return std::move(*out);
}

}  // namespace unknot::storage::postgres
