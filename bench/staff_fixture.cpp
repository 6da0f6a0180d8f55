// Prepares the sign-in load: adds COUNT front-desk staff accounts, signin0@bench.example ...
// signin<COUNT-1>@bench.example, all with the password PASSWORD, to a clinic of an existing
// SQLite database (e.g. the demo clinic made by `unknot demo`). The password is hashed once with
// security::PasswordHasher at the production cost (argon2id, interactive limits) and that hash is
// stored for every account, so each sign-in against them costs what a real one does.
// bench/signin_burst.cpp signs in to these accounts.
//
// usage: unknot_bench_staff_fixture DATABASE CLINIC_SLUG COUNT PASSWORD

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/common/clock.hpp"
#include "security/password_hasher.hpp"
#include "storage/sqlite/sqlite_storage.hpp"

using namespace unknot;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DATABASE CLINIC_SLUG COUNT PASSWORD\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int count = std::atoi(argv[3]);
  core::SystemClock clock;
  auto fail = [&](const char* what, const core::Error& error) {
    std::fprintf(stderr, "%s: %s\n", what, error.message().c_str());
    return 1;
  };
  auto storage = storage::sqlite::SqliteStorage::Open(path, clock);
  if (!storage) return fail("cannot open the database", storage.error());
  auto clinic = (*storage)->FindClinic(argv[2]);
  if (!clinic) return fail("cannot find the clinic", clinic.error());

  security::PasswordHasher hasher;  // production cost
  auto hash = hasher.Hash(argv[4]).get();
  if (!hash) return fail("cannot hash the password", hash.error());

  for (int i = 0; i < count; ++i) {
    core::staff::StaffAccount account;
    account.clinic = clinic->id;
    account.email = "signin" + std::to_string(i) + "@bench.example";
    account.display_name = "Sign-in Bench " + std::to_string(i);
    account.role = core::staff::StaffRole::kFrontDesk;
    account.password_hash = *hash;
    account.created_at = clock.Now();
    account.password_changed_at = account.created_at;
    auto created = (*storage)->CreateStaff(account, std::nullopt);
    if (!created) return fail(("cannot create " + account.email).c_str(), created.error());
  }
  std::printf("%d staff accounts in %s (%s)\n", count, argv[2], path.c_str());
  return 0;
}
