-- wrk script: POST one quiz attempt per request, each with a unique client_attempt_id.
-- Reads BENCH_CSRF, BENCH_SESSION, BENCH_PATH and BENCH_ANSWERS (JSON) from the environment;
-- BENCH_SESSION may list several learners' session tokens, comma-separated: each request
-- then goes to the next learner in turn.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  wrk.method = "POST"
  wrk.path = os.getenv("BENCH_PATH")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
  cookies = {}
  for session in string.gmatch(os.getenv("BENCH_SESSION"), "[^,]+") do
    table.insert(cookies, "csrftoken=" .. os.getenv("BENCH_CSRF") .. "; guide_session=" .. session)
  end
  wrk.headers["Cookie"] = cookies[1]
  answers = os.getenv("BENCH_ANSWERS")
  run_id = os.getenv("BENCH_RUN")
end

function request()
  counter = counter + 1
  if #cookies > 1 then
    wrk.headers["Cookie"] = cookies[(counter + thread_id) % #cookies + 1]
  end
  local body = '{"client_attempt_id":"' .. run_id .. "-" .. thread_id .. "-" .. counter ..
               '","answers":' .. answers .. '}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("BENCH requests=%d non2xx=%d p50_ms=%.2f p99_ms=%.2f seconds=%.3f\n",
    summary.requests, non2xx, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.duration / 1e6))
end
