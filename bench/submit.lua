-- wrk script: POST one quiz attempt per request, each with a unique client_attempt_id.
-- Reads BENCH_CSRF, BENCH_SESSION, BENCH_PATH and BENCH_ANSWERS (JSON) from the environment.
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
  wrk.headers["Cookie"] = "csrftoken=" .. os.getenv("BENCH_CSRF") ..
                          "; guide_session=" .. os.getenv("BENCH_SESSION")
  answers = os.getenv("BENCH_ANSWERS")
  run_id = os.getenv("BENCH_RUN")
end

function request()
  counter = counter + 1
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
