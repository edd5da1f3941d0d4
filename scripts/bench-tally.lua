-- bench-tally.lua - the status tally of the wrk scripts (bench-routes.lua,
-- bench-scale.lua, bench-support.lua): each thread counts the status codes
-- of its answers, and at the end done() prints the sum over the threads as
-- "status NNN: COUNT" lines, sorted by status, so non-2xx answers are
-- counted exactly (wrk itself only counts "Non-2xx").
--
-- A script loads it from its own directory and keeps the table:
--
--   local tally = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "")
--                        .. "bench-tally.lua")
--   setup(thread):              tally.setup(thread)  (returns the thread's number, 1...)
--   init(args):                 tally.init()
--   response(status, ...):      tally.response(status)
--   done = tally.done
--
-- wrk runs the script in the main Lua state (setup, done) and in one state
-- per thread (init, request, response), so the file is loaded in each; the
-- counts live in each thread's global `counts`, which done() reads with
-- thread:get().

local tally = { threads = {} }

function tally.setup(thread)
  table.insert(tally.threads, thread)
  return #tally.threads
end

function tally.init()
  counts = {}
end

function tally.response(status)
  counts[status] = (counts[status] or 0) + 1
end

function tally.done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(tally.threads) do
    local c = thread:get("counts")
    if c then
      for status, n in pairs(c) do
        total[status] = (total[status] or 0) + n
      end
    end
  end
  local keys = {}
  for status in pairs(total) do table.insert(keys, status) end
  table.sort(keys)
  for _, status in ipairs(keys) do
    io.write(string.format("status %d: %d\n", status, total[status]))
  end
end

return tally
