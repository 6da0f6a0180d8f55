-- Replays booking bodies, one per request, each a distinct free (practitioner, start): the load
-- for durable bookings per second. Set BODIES to the file written by unknot_bench_fixture.
local bodies = {}
local next_body = 1

function init(args)
  for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
end

function request()
  local body = bodies[next_body]
  next_body = next_body + 1
  if body == nil then body = bodies[1] end  -- ran out: repeats are refused (409), not counted
  return wrk.format("POST", "/api/v1/clinics/bench-clinic/appointments",
                    {["Content-Type"] = "application/json"}, body)
end
