-- bench-routes.lua - wrk script for `scripts/bench routes` and `scripts/bench
-- workers` (scripts/bench-routes.py): requests prepared as whole HTTP/1.1
-- messages, sent in turn.
--
-- BENCH_REQS names a directory of files 0.req, 1.req, ... (at least one),
-- each a complete request: request line, headers (Host, Authorization,
-- Content-Length...) and body, written by bench-routes.py.  With several
-- files (one per user, resume or interview), wrk's thread t of T sends the
-- files t, t + T, t + 2T, ... in turn, so that no two threads share a
-- user: a route limited per user (the expensive ones: two in flight) sees
-- as many users as there are files.  At the end the status codes seen are
-- printed as "status NNN: COUNT" lines, so non-2xx answers (429s of the
-- per-user and host-wide limits among them) are counted exactly.

local dir = assert(os.getenv("BENCH_REQS"), "BENCH_REQS")
local all = {}
while true do
  local f = io.open(dir .. "/" .. #all .. ".req", "rb")
  if not f then break end
  table.insert(all, f:read("*a"))
  f:close()
end
assert(#all > 0, "no requests in " .. dir)

-- the status tally and done(), shared with the other wrk scripts
local tally = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "bench-tally.lua")

function setup(thread)
  thread:set("tid", tally.setup(thread) - 1)
end

function init(args)
  tally.init()
  mine = {}
  -- Each thread has a Lua state of its own, without setup()'s table:
  -- the thread count comes from the environment.
  local total = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  for i = tid + 1, #all, total do table.insert(mine, all[i]) end
  if #mine == 0 then mine = { all[(tid % #all) + 1] } end
  next_i = 1
end

function request()
  local r = mine[next_i]
  next_i = next_i % #mine + 1
  return r
end

function response(status, headers, body)
  tally.response(status)
end

done = tally.done
