#include "server/staff_commands.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/common/clock.hpp"
#include "core/staff/authorization.hpp"
#include "core/staff/password_policy.hpp"
#include "knowledge/load_common_passwords.hpp"
#include "server/command_support.hpp"
#include "server/password_input.hpp"

namespace unknot::server {
namespace {

using core::Error;
using core::ErrorCode;

using FlagNames = std::map<std::string, std::string, std::less<>>;

// The same error with the domain's field names ("address.city") replaced by the flags that set
// them ("--city"), so the person knows which flag to fix.
Error WithFlagNames(const Error& error, const FlagNames& flags) {
  if (error.fields().empty()) return error;
  std::vector<core::FieldError> fields;
  std::string message;
  for (const core::FieldError& field : error.fields()) {
    auto flag = flags.find(field.field);
    std::string name = flag != flags.end() ? flag->second : field.field;
    if (!message.empty()) message += "; ";
    message += name + ": " + field.reason;
    fields.push_back({std::move(name), field.reason});
  }
  return Error(error.code(), std::move(message), std::move(fields));
}

// `text` as one shell word: as is when it holds only characters no shell treats specially,
// else in single quotes.
std::string ShellWord(std::string_view text) {
  bool plain = !text.empty();
  for (char c : text) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_./:@%+=,").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// The operating-system user running the command, for the audit entry ("" when unknown).
std::string OsUser() {
  if (const passwd* entry = getpwuid(geteuid()); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  return "";
}

core::Result<core::clinic::Clinic> FindClinicFlag(core::ports::Storage& storage,
                                                  const std::string& slug,
                                                  const std::string& database) {
  auto clinic = storage.FindClinic(slug);
  if (!clinic && clinic.error().code() == ErrorCode::kNotFound) {
    return Error::InvalidField("--clinic", "there is no clinic '" + slug + "' in " +
                                               DescribeDatabase(database) +
                                               " (unknot clinic create makes one)");
  }
  return clinic;
}

Error NothingWritten(const Error& error) {
  return Error(error.code(), error.message() + "; nothing was written", error.fields());
}

std::string Plural(std::int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

core::Result<core::clinic::ClinicSetup> NewClinicSetup(const ClinicCreateOptions& options) {
  core::clinic::ClinicSetup setup;
  core::clinic::Clinic& clinic = setup.clinic;
  clinic.slug = options.slug;
  clinic.name = options.name;
  clinic.time_zone = options.time_zone;
  clinic.phone = options.phone;
  clinic.address.line1 = options.address_line1;
  clinic.address.line2 = options.address_line2;
  clinic.address.city = options.city;
  clinic.address.region = options.region;
  clinic.address.postal_code = options.postal_code;
  // clinic::Validate asks only for two characters; a flag can insist on two letters.
  bool letters = options.country.size() == 2;
  for (char c : options.country) {
    letters = letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    clinic.address.country += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (!letters) {
    return Error::InvalidField("--country", "must be a two-letter ISO 3166 code such as US");
  }
  static const FlagNames kFlags{
      {"clinic.slug", "--slug"},
      {"clinic.name", "--name"},
      {"clinic.phone", "--phone"},
      {"clinic.time_zone", "--time-zone"},
      {"clinic.address.line1", "--address-line1"},
      {"clinic.address.line2", "--address-line2"},
      {"clinic.address.city", "--city"},
      {"clinic.address.region", "--region"},
      {"clinic.address.postal_code", "--postal-code"},
      {"clinic.address.country", "--country"},
  };
  if (auto valid = core::clinic::Validate(setup); !valid) {
    return WithFlagNames(valid.error(), kFlags);
  }
  return setup;
}

int CreateClinic(const ClinicCreateOptions& options) {
  auto setup = NewClinicSetup(options);
  if (!setup) return Fail(setup.error());
  core::SystemClock clock;
  const std::string database = DescribeDatabase(options.database.database);
  auto storage = OpenStorage(options.database, clock);
  if (!storage) return Fail(storage.error());
  auto created = (*storage)->CreateClinic(*setup);
  if (!created && created.error().code() == ErrorCode::kConflict) {
    return Fail(
        Error::InvalidField("--slug", "'" + options.slug + "' is taken: " + database +
                                          " already has a clinic with this slug; choose another"));
  }
  if (!created) return Fail(created.error());
  const core::clinic::Clinic& clinic = created->clinic;
  const core::clinic::Address& a = clinic.address;
  std::string address = a.line1;
  if (!a.line2.empty()) address += ", " + a.line2;
  address += ", " + a.city;
  if (!a.region.empty()) address += ", " + a.region;
  address += " " + a.postal_code + ", " + a.country;
  std::printf("created the clinic '%s' (%s) in %s\n", clinic.name.c_str(), clinic.slug.c_str(),
              database.c_str());
  std::printf("  time zone  %s\n  phone      %s\n  address    %s\n", clinic.time_zone.c_str(),
              clinic.phone.c_str(), address.c_str());
  std::printf(
      "  no rooms, practitioners or services yet; default booking policy and session settings\n");
  std::printf("next, add its first owner (the password is asked for, never given as a flag):\n");
  std::printf("  unknot user add --clinic %s --role owner --email YOU@EXAMPLE --database %s\n",
              clinic.slug.c_str(), ShellWord(database).c_str());
  return 0;
}

core::Result<core::staff::StaffAccount> NewStaffAccount(const UserAddOptions& options,
                                                        const core::clinic::ClinicSetup& setup,
                                                        core::Instant now) {
  auto role = core::staff::ParseStaffRole(options.role);
  if (!role) {
    return Error::InvalidField("--role", "must be owner, front_desk or practitioner");
  }
  core::staff::StaffAccount account;
  account.clinic = setup.clinic.id;
  account.email = core::staff::NormalizeEmail(options.email);
  account.role = *role;
  account.display_name = options.name;
  account.created_at = now;
  account.password_changed_at = now;
  if (!options.practitioner.empty()) {
    const core::clinic::Practitioner* found = nullptr;
    std::string known;
    for (const auto& p : setup.practitioners) {
      if (p.slug == options.practitioner) found = &p;
      known += (known.empty() ? "" : ", ") + p.slug;
    }
    if (found == nullptr) {
      return Error::InvalidField("--practitioner",
                                 "the clinic has no practitioner '" + options.practitioner + "'" +
                                     (known.empty() ? std::string(" (it has none yet)")
                                                    : "; its practitioners: " + known));
    }
    account.practitioner = found->id;
    if (account.display_name.empty()) account.display_name = found->display_name;
  }
  if (account.display_name.empty()) account.display_name = account.email;
  static const FlagNames kFlags{
      {"email", "--email"}, {"display_name", "--name"}, {"practitioner_id", "--practitioner"}};
  if (auto valid = core::staff::Validate(account); !valid) {
    return WithFlagNames(valid.error(), kFlags);
  }
  return account;
}

core::Result<core::staff::StaffAccount> StoreNewStaff(core::ports::Storage& storage,
                                                      core::staff::StaffAccount account,
                                                      std::string password,
                                                      security::PasswordHasher& hasher,
                                                      std::string_view how) {
  account.password_hash = UNKNOT_TRY(hasher.Hash(std::move(password)).get());
  core::staff::AuditEntry audit;
  audit.clinic = account.clinic;
  audit.action = std::string(core::staff::ToString(core::staff::Action::kManageStaff));
  audit.at = account.created_at;
  // No one is signed in: the entry says where the account came from and who ran the command.
  audit.detail = "created " + std::string(core::staff::ToString(account.role)) +
                 " account on the command line (" + std::string(how) + ")";
  if (std::string user = OsUser(); !user.empty()) audit.detail += " by OS user " + user;
  auto created = storage.CreateStaff(account, audit);
  if (!created && created.error().code() == ErrorCode::kConflict) {
    std::string reason =
        "the clinic already has an account with " + account.email + "; nothing was written";
    return Error(ErrorCode::kConflict, "--email: " + reason, {{"--email", reason}});
  }
  return created;
}

int AddUser(const UserAddOptions& options) {
  // Everything that can be checked without the password is, so that no one types a password
  // for an account that cannot be made.
  auto common = knowledge::LoadCommonPasswords(options.data);
  if (!common) return Fail(common.error());
  core::SystemClock clock;
  auto opened = OpenStorage(options.database, clock);
  if (!opened) return Fail(opened.error());
  core::ports::Storage& storage = **opened;
  auto clinic = FindClinicFlag(storage, options.clinic, options.database.database);
  if (!clinic) return Fail(clinic.error());
  auto setup = storage.LoadSetup(clinic->id);
  if (!setup) return Fail(setup.error());
  auto account = NewStaffAccount(options, **setup, clock.Now());
  if (!account) return Fail(account.error());
  auto existing = storage.FindStaffByEmail(clinic->id, account->email);
  if (existing) {
    return Fail(Error::InvalidField("--email", "the clinic '" + clinic->slug +
                                                   "' already has an account with " +
                                                   account->email + "; nothing was written"));
  }
  if (existing.error().code() != ErrorCode::kNotFound) return Fail(existing.error());

  auto password = ReadNewPassword("New password for " + account->email + " (at least " +
                                  std::to_string(core::staff::kMinPasswordCharacters) +
                                  " characters, not a common one): ");
  if (!password) return Fail(NothingWritten(password.error()));
  if (auto strong = core::staff::CheckNewPassword(*password, account->email, *common); !strong) {
    return Fail(NothingWritten(strong.error()));
  }

  core::Result<core::staff::StaffAccount> created =
      Error(ErrorCode::kInternal, "the password could not be hashed");
  try {
    security::PasswordHasherOptions hashing;
    hashing.threads = 1;  // one hash to make
    security::PasswordHasher hasher(hashing);
    created = StoreNewStaff(storage, std::move(*account), std::move(*password), hasher,
                            "unknot user add");
  } catch (const std::runtime_error& e) {
    return Fail(Error(ErrorCode::kInternal, e.what()));
  }
  if (!created) return Fail(created.error());

  std::string practitioner = "none";
  if (created->practitioner) {
    if (const auto* p = (*setup)->FindPractitioner(*created->practitioner); p != nullptr) {
      practitioner = p->slug + " (" + p->display_name + ")";
    }
  }
  std::printf("added %s to '%s' (%s) as %s\n", created->email.c_str(), clinic->name.c_str(),
              clinic->slug.c_str(), std::string(core::staff::ToString(created->role)).c_str());
  std::printf("  id            %" PRId64 "\n", created->id.value());
  std::printf("  email         %s\n", created->email.c_str());
  std::printf("  display name  %s\n", created->display_name.c_str());
  std::printf("  role          %s\n", std::string(core::staff::ToString(created->role)).c_str());
  std::printf("  practitioner  %s\n", practitioner.c_str());
  std::printf("  created at    %s\n", core::FormatInstant(created->created_at).c_str());
  std::printf("they sign in at /c/%s/staff with this email and the password just set\n",
              clinic->slug.c_str());
  return 0;
}

int VerifyAuditLog(const AuditVerifyOptions& options) {
  core::SystemClock clock;
  const std::string database = DescribeDatabase(options.database.database);
  auto opened = OpenStorage(options.database, clock);
  if (!opened) return Fail(opened.error());
  core::ports::Storage& storage = **opened;

  std::vector<core::clinic::Clinic> scope;
  std::optional<core::ClinicId> only;
  if (!options.clinic.empty()) {
    auto clinic = FindClinicFlag(storage, options.clinic, options.database.database);
    if (!clinic) return Fail(clinic.error());
    only = clinic->id;
    scope.push_back(std::move(*clinic));
  } else {
    auto clinics = storage.ListClinics();
    if (!clinics) return Fail(clinics.error());
    scope = std::move(*clinics);
  }

  auto broken = storage.VerifyAudit(only);
  if (!broken) return Fail(broken.error());
  if (broken->empty()) {
    // An intact chain numbers its entries 1, 2, 3 ...: the newest sequence is the count.
    std::int64_t entries = 0;
    core::ports::AuditFilter newest_only;
    newest_only.limit = 1;
    for (const auto& clinic : scope) {
      auto newest = storage.ListAudit(clinic.id, newest_only);
      if (!newest) return Fail(newest.error());
      if (!newest->empty()) entries += newest->front().sequence;
    }
    if (only) {
      std::printf("audit log of '%s' intact: %s (%s)\n", scope.front().slug.c_str(),
                  Plural(entries, "entry", "entries").c_str(), database.c_str());
    } else {
      std::printf("audit log intact: %s in %s (%s)\n", Plural(entries, "entry", "entries").c_str(),
                  Plural(static_cast<std::int64_t>(scope.size()), "clinic", "clinics").c_str(),
                  database.c_str());
    }
    return 0;
  }
  for (const core::ports::BrokenLink& link : *broken) {
    std::string slug = "#" + std::to_string(link.clinic.value());
    for (const auto& clinic : scope) {
      if (clinic.id == link.clinic) slug = clinic.slug;
    }
    std::printf("audit log of '%s' BROKEN at sequence %" PRId64 ": %s\n", slug.c_str(),
                link.sequence, link.reason.c_str());
  }
  return Fail(Error(
      ErrorCode::kConflict,
      "the audit log of " + Plural(static_cast<std::int64_t>(broken->size()), "clinic", "clinics") +
          " in " + database +
          " was changed outside unknot; see \"The audit log\" in docs/operations.md"));
}

}  // namespace unknot::server
