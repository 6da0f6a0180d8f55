#pragma once

// The subcommands that set up a clinic for its staff: `unknot clinic create`, `unknot user add`
// and `unknot audit verify`. Each returns the process exit code, as in commands.hpp. The pure
// steps (flags to a clinic, flags to an account) are exposed for tests.

#include <string>

#include "core/clinic/clinic_setup.hpp"
#include "core/common/result.hpp"
#include "core/common/time.hpp"
#include "core/ports/storage.hpp"
#include "core/staff/account.hpp"
#include "security/password_hasher.hpp"
#include "server/commands.hpp"

namespace unknot::server {

struct ClinicCreateOptions {
  DatabaseOptions database;
  std::string slug;
  std::string name;
  std::string time_zone;
  std::string phone;
  std::string address_line1;
  std::string address_line2;  // optional
  std::string city;
  std::string region;  // optional: state or province
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2; any case, stored upper-case
};

// The clinic the flags describe, empty (no rooms, practitioners or services) with the default
// booking policy and session settings, validated by clinic::Validate. kInvalidArgument names the
// flag: "--time-zone: unknown time zone 'Mars/Base' (expected an IANA name)".
core::Result<core::clinic::ClinicSetup> NewClinicSetup(const ClinicCreateOptions& options);

// `unknot clinic create`: stores the clinic and prints it with the command that adds its owner.
int CreateClinic(const ClinicCreateOptions& options);

struct UserAddOptions {
  DatabaseOptions database;
  std::string data;  // the folder of common-passwords.txt
  std::string clinic;
  std::string role;  // owner, front_desk or practitioner
  std::string email;
  std::string name;          // optional: the practitioner's name, else the email
  std::string practitioner;  // a practitioner's slug in the clinic; required for that role
};

// The account the flags describe (no password hash yet), validated by staff::Validate.
// kInvalidArgument names the flag ("--practitioner: is required for the practitioner role ...",
// "--practitioner: the clinic has no practitioner 'x'; its practitioners: a, b").
core::Result<core::staff::StaffAccount> NewStaffAccount(const UserAddOptions& options,
                                                        const core::clinic::ClinicSetup& setup,
                                                        core::Instant now);

// Hashes `password` with `hasher` and stores `account` with it, together with an audit entry
// that says the account was made by `how` ("unknot user add", "unknot demo") on the command
// line. The storage errors of CreateStaff, with the email conflict naming --email.
core::Result<core::staff::StaffAccount> StoreNewStaff(core::ports::Storage& storage,
                                                      core::staff::StaffAccount account,
                                                      std::string password,
                                                      security::PasswordHasher& hasher,
                                                      std::string_view how);

// `unknot user add`: checks the flags, reads the password (password_input.hpp), checks it
// against the password policy, hashes it with argon2id and stores the account.
int AddUser(const UserAddOptions& options);

struct AuditVerifyOptions {
  DatabaseOptions database;
  std::string clinic;  // a slug; empty: every clinic
};

// `unknot audit verify`: 0 when every chain holds, 1 (each broken clinic printed) when not.
int VerifyAuditLog(const AuditVerifyOptions& options);

}  // namespace unknot::server
