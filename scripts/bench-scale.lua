-- bench-scale.lua - wrk script for `scripts/bench scale`: the resume writes.
--
--   BENCH_SCALE_MODE=post  POST /api/resumes with the body in BENCH_BODY_FILE
--   BENCH_SCALE_MODE=put   PUT /api/resumes/{id} with the body in
--                          BENCH_BODY_FILE; BENCH_PUT_IDS is "id:version,..."
--                          and wrk must run one connection per thread
--                          (-tN -cN, N <= the number of ids): thread i
--                          replaces resume i, sending If-Match with the
--                          ETag of its previous answer, so no two requests
--                          race for one version.
--
-- The headers given with -H (Authorization) are kept.  At the end the
-- status codes seen are printed as "status NNN: COUNT" lines.

local mode = os.getenv("BENCH_SCALE_MODE") or "post"
local body_file = os.getenv("BENCH_BODY_FILE")
local f = assert(io.open(body_file, "rb"), "BENCH_BODY_FILE")
local body = f:read("*a")
f:close()

-- the status tally and done(), shared with the other wrk scripts
local tally = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "bench-tally.lua")
local ids = {}
for id, version in string.gmatch(os.getenv("BENCH_PUT_IDS") or "", "([0-9a-f]+):([0-9]+)") do
  table.insert(ids, {id, version})
end

function setup(thread)
  local n = tally.setup(thread)
  if mode == "put" then
    local e = ids[(n - 1) % #ids + 1]
    thread:set("rid", e[1])
    thread:set("version", e[2])
  end
end

local headers

function init(args)
  tally.init()
  headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
end

function request()
  if mode == "put" then
    headers["If-Match"] = '"' .. version .. '"'
    return wrk.format("PUT", "/api/resumes/" .. rid, headers, body)
  end
  return wrk.format("POST", "/api/resumes", headers, body)
end

function response(status, hdrs, resp_body)
  tally.response(status)
  if mode == "put" then
    local etag = hdrs["ETag"] or hdrs["Etag"] or hdrs["etag"]
    local v = etag and string.match(etag, "(%d+)")
    if v then version = v end
  end
end

done = tally.done
