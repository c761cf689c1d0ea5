-- wrk script: POST one quiz attempt per request, each with a unique client_attempt_id.
-- Reads BENCH_LEARNERS, BENCH_PATH and BENCH_ANSWERS (JSON) from the environment.
-- BENCH_LEARNERS lists learners as "csrf-token|session-token", comma-separated (a CSRF token
-- is bound to its sign-in): each request goes to the next learner in turn.
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
  learners = {}
  for csrf, session in string.gmatch(os.getenv("BENCH_LEARNERS"), "([^,|]+)|([^,]+)") do
    table.insert(learners, {csrf = csrf,
                            cookie = "csrftoken=" .. csrf .. "; guide_session=" .. session})
  end
  use_learner(learners[1])
  answers = os.getenv("BENCH_ANSWERS")
  run_id = os.getenv("BENCH_RUN")
end

function use_learner(learner)
  wrk.headers["X-CSRF-Token"] = learner.csrf
  wrk.headers["Cookie"] = learner.cookie
end

function request()
  counter = counter + 1
  if #learners > 1 then
    use_learner(learners[(counter + thread_id) % #learners + 1])
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
