-- chaos.lua - wrk script for scripts/chaos: the mixed traffic.
--
-- Run with one connection per thread (wrk -tN -cN): a thread then sends a
-- request, gets its answer (response()) and only then sends the next, so
-- response() always belongs to the request() before it and the script knows
-- what each answer acknowledges.  A request whose connection breaks gets no
-- response() call; the next request() replaces it (it is unacknowledged).
--
-- Environment:
--   CHAOS_TOKENS   session tokens, comma-separated; thread i is user
--                  (i - 1) % #tokens + 1
--   CHAOS_LOG_DIR  each thread writes CHAOS_LOG_DIR/thread-<i>.log, one line
--                  per answer: "<unix time, s.ms>\t<kind>\t<status>\t<fields>"
--   CHAOS_RESUMES  resumes a thread creates at most (20), so exports stay
--                  bounded
--
-- Kinds and their fields (tab-separated, after the status):
--   support  marker ticket          POST /api/support (JSON, anonymous)
--   rcreate  marker id version      POST /api/resumes
--   rupdate  marker id version      PUT /api/resumes/{id} with If-Match; the
--                                   version is the new one (200) or, for a
--                                   412, the one sent
--   rread    id version             GET /api/resumes/{id}
--   rlist                           GET /api/resumes
--   me                              GET /api/me
--   export                          GET /api/me/export
--   icreate  id                     POST /api/interviews
--   answer   marker id version      POST /api/interviews/{id}/answers {"text"}
-- The marker is unique in the run ("t<thread>s<seq>") and is stored in the
-- written document (the ticket's message, the resume's summary, the answer's
-- text), so the checks can find each write and count it.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } chaos_timespec;
  int clock_gettime(int clk_id, chaos_timespec *tp);
]]
local ts = ffi.new("chaos_timespec")
local function now()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME, the driver's time.time()
  return string.format("%d.%03d", tonumber(ts.tv_sec), math.floor(tonumber(ts.tv_nsec) / 1e6))
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local tokens = {}
for t in string.gmatch(os.getenv("CHAOS_TOKENS") or "", "[^,]+") do table.insert(tokens, t) end
local log_dir = os.getenv("CHAOS_LOG_DIR") or "."
local max_resumes = tonumber(os.getenv("CHAOS_RESUMES") or "20")

local out, auth, seq, pending
local resumes = {}      -- {id = ..., version = n}
local refresh = nil     -- a resume whose version must be read again (after a 412)
local interview = nil   -- the interview being answered

function init(args)
  tid = tid or 1
  out = assert(io.open(string.format("%s/thread-%d.log", log_dir, tid), "w"))
  out:setvbuf("line")
  auth = "Bearer " .. tokens[(tid - 1) % #tokens + 1]
  seq = 0
  math.randomseed(tid * 7919 + os.time())
end

local function marker()
  seq = seq + 1
  return string.format("t%ds%d", tid, seq)
end

local function headers(json)
  local h = {["Authorization"] = auth, ["Accept"] = "application/json",
             ["X-Forwarded-For"] = string.format("198.51.100.%d", (tid % 250) + 1)}
  if json then h["Content-Type"] = "application/json" end
  return h
end

local function resume_body(m)
  return '{"basics":{"name":"Chaos Tester","label":"Backend engineer","summary":"Builds ' ..
         'reliable services. ' .. m .. '"},"work":[{"name":"Example GmbH","position":' ..
         '"Engineer","startDate":"2020-01-01","highlights":["Cut p99 latency by half"]}],' ..
         '"skills":[{"name":"C"},{"name":"SQL"}]}'
end

local function pick()
  local r = math.random(100)
  if refresh then return "rread" end
  if r <= 18 then return "support" end
  if r <= 30 then return (#resumes < max_resumes) and "rcreate" or "rupdate" end
  if r <= 50 then return (#resumes > 0) and "rupdate" or "rcreate" end
  if r <= 62 then return (#resumes > 0) and "rread" or "rlist" end
  if r <= 72 then return "rlist" end
  if r <= 77 then return "me" end
  if r <= 80 then return "export" end
  return interview and "answer" or "icreate"
end

function request()
  local kind = pick()
  pending = {kind = kind}
  if kind == "support" then
    local m = marker()
    pending.marker = m
    local h = headers(true)
    h["Authorization"] = nil
    return wrk.format("POST", "/api/support", h,
      string.format('{"email":"chaos.t%d@example.com","subject":"Load question",' ..
                    '"message":"Where is my invoice? %s"}', tid, m))
  elseif kind == "rcreate" then
    local m = marker()
    pending.marker = m
    return wrk.format("POST", "/api/resumes", headers(true), resume_body(m))
  elseif kind == "rupdate" then
    local r = resumes[math.random(#resumes)]
    local m = marker()
    pending.marker, pending.resume, pending.sent = m, r, r.version
    local h = headers(true)
    h["If-Match"] = '"' .. r.version .. '"'
    return wrk.format("PUT", "/api/resumes/" .. r.id, h, resume_body(m))
  elseif kind == "rread" then
    local r = refresh or resumes[math.random(#resumes)]
    pending.resume = r
    return wrk.format("GET", "/api/resumes/" .. r.id, headers(false))
  elseif kind == "rlist" then
    return wrk.format("GET", "/api/resumes", headers(false))
  elseif kind == "me" then
    return wrk.format("GET", "/api/me", headers(false))
  elseif kind == "export" then
    return wrk.format("GET", "/api/me/export", headers(false))
  elseif kind == "icreate" then
    return wrk.format("POST", "/api/interviews", headers(true),
                      '{"role":"Backend engineer","questionCount":10}')
  else
    local m = marker()
    pending.marker, pending.interview = m, interview
    return wrk.format("POST", "/api/interviews/" .. interview .. "/answers", headers(true),
                      '{"text":"I led the migration and measured the result. ' .. m .. '"}')
  end
end

local function etag_version(hdrs)
  local e = hdrs["ETag"] or hdrs["Etag"] or hdrs["etag"]
  return e and tonumber(string.match(e, "(%d+)"))
end

local function line(...)
  out:write(table.concat({now(), ...}, "\t"), "\n")
end

function response(status, hdrs, body)
  local p = pending
  pending = nil
  if p == nil then return end
  local k = p.kind
  if k == "support" then
    line(k, status, p.marker, string.match(body or "", '"ticket"%s*:%s*"([^"]+)"') or "-")
  elseif k == "rcreate" then
    local id = string.match(body or "", '"id"%s*:%s*"(%x+)"')
    local v = etag_version(hdrs)
    if status == 201 and id and v then table.insert(resumes, {id = id, version = v}) end
    line(k, status, p.marker, id or "-", v or "-")
  elseif k == "rupdate" then
    local v = etag_version(hdrs)
    if status == 200 and v then p.resume.version = v end
    if status == 412 then refresh = p.resume end
    line(k, status, p.marker, p.resume.id, (status == 200 and v) or p.sent)
  elseif k == "rread" then
    local v = etag_version(hdrs)
    if status == 200 and v then
      if v > p.resume.version then p.resume.version = v end
      if refresh == p.resume then refresh = nil end
    end
    line(k, status, p.resume.id, v or "-")
  elseif k == "icreate" then
    local id = string.match(body or "", '"id"%s*:%s*"(%x+)"')
    if status == 201 and id then interview = id end
    line(k, status, id or "-")
  elseif k == "answer" then
    local v = string.match(body or "", '"version"%s*:%s*(%d+)')
    if status == 201 and string.find(body or "", '"currentQuestion"%s*:%s*null') then
      interview = nil -- every question answered
    elseif status == 409 or status == 404 then
      interview = nil
    end
    line(k, status, p.marker, p.interview, v or "-")
  else
    line(k, status)
  end
end
