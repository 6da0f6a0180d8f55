// Micro-benchmarks of the core: the local->UTC conversion every working-hours expansion uses.

#include <benchmark/benchmark.h>

#include "core/common/time.hpp"

namespace {

using namespace std::chrono_literals;

void BM_LocalToUtc(benchmark::State& state) {
  auto zone = unknot::core::TimeZone::Find("America/Los_Angeles").value();
  auto local = unknot::core::ParseLocalDateTime("2026-11-01T09:00").value();
  for (auto _ : state) {
    auto utc = unknot::core::LocalToUtc(zone, local, unknot::core::kWorkingHoursDstPolicy);
    benchmark::DoNotOptimize(utc);
    local += 15min;
  }
}
BENCHMARK(BM_LocalToUtc);

void BM_ParseInstant(benchmark::State& state) {
  for (auto _ : state) {
    auto t = unknot::core::ParseInstant("2026-03-08T16:30:00Z");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_ParseInstant);

}  // namespace
