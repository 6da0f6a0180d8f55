// The JSON body of every POST route of API v1, through the real handlers over the demo clinic.
// The first byte of an input picks the route and the headers, the rest is the body:
//   byte % 4     0 book (POST …/appointments), 1 cancel, 2 reschedule, 3 submit an assessment
//   byte & 0x04  send the manage token of a booked appointment (Authorization: Bearer), so cancel
//                and reschedule get past the token and into the booking rules
//   byte & 0x08  send an Idempotency-Key (booking)
// DemoApi::Dispatch holds the checks every answer must pass.

#include <cstddef>
#include <cstdint>
#include <string>

#include "demo_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  unknot::fuzz::DemoApi& api = unknot::fuzz::DemoApi::Get();
  const std::uint8_t selector = data[0];
  const std::string clinic(unknot::fuzz::DemoApi::kClinic);
  const std::string appointment = clinic + "/appointments/" + std::to_string(api.appointment());

  unknot::api::http::Request request;
  request.method = unknot::api::http::Method::kPost;
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (selector % 4) {
    case 0:
      request.path = clinic + "/appointments";
      break;
    case 1:
      request.path = appointment + "/cancel";
      break;
    case 2:
      request.path = appointment + "/reschedule";
      break;
    default:
      request.path = clinic + "/assessments";
      break;
  }
  if ((selector & 0x04) != 0) {
    request.headers.emplace_back("authorization", "Bearer " + api.manage_token());
  }
  if ((selector & 0x08) != 0) request.headers.emplace_back("idempotency-key", "fuzz-key");
  unknot::api::http::Response response = api.Dispatch(request);
  if (selector % 4 == 1 && response.status == 200) api.BookAgainIfCancelled();
  return 0;
}
