-- bench-support.lua - wrk script for scripts/bench: POST /api/support with a
-- JSON ticket, as the support page's JSON clients send it.
--
-- Each request carries a different X-Forwarded-For from the documentation
-- ranges 198.51.100.0/24 and 203.0.113.0/24 (header values only: no traffic
-- goes there).  The bench nginx trusts X-Forwarded-For from loopback, so the
-- per-client rate limit of POST /api/support sees many clients.
--
-- The ticket fields come from BENCH_EMAIL, BENCH_SUBJECT and BENCH_MESSAGE,
-- which scripts/bench also hands to bench-mongo-insert, so both store the
-- same document sizes.  At the end the status codes seen are printed as
-- "status NNN: COUNT" lines.

local function json_string(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

local email = os.getenv("BENCH_EMAIL") or "bench@example.com"
local subject = os.getenv("BENCH_SUBJECT") or "Benchmark ticket"
local message = os.getenv("BENCH_MESSAGE") or "A benchmark ticket."

local path = "/api/support"
local body = "{" ..
  '"email":' .. json_string(email) .. "," ..
  '"subject":' .. json_string(subject) .. "," ..
  '"message":' .. json_string(message) .. "}"
local headers = {
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

-- the status tally and done(), shared with the other wrk scripts
local tally = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "bench-tally.lua")

function setup(thread)
  thread:set("seed", os.time() * 1000 + tally.setup(thread))
end

function init(args)
  math.randomseed(seed)
  tally.init()
end

function request()
  local n = math.random(1, 254)
  if math.random(2) == 1 then
    headers["X-Forwarded-For"] = "198.51.100." .. n
  else
    headers["X-Forwarded-For"] = "203.0.113." .. n
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, resp_body)
  tally.response(status)
end

done = tally.done
