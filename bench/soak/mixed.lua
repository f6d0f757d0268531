-- A mixed load for wrk: each request picks a path from paths.txt (written by run.py from the
-- running demo: pages in both languages, searches, CKAN reads, datastore queries, downloads),
-- GET or POST as the line says. Errors are counted by wrk as non-2xx/3xx responses.
local requests = {}

function init(args)
  local file = io.open(args[1], "r")
  for line in file:lines() do
    local method, path, body = line:match("^(%S+)%s+(%S+)%s*(.*)$")
    if method == "POST" then
      requests[#requests + 1] = wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
    else
      requests[#requests + 1] = wrk.format("GET", path)
    end
  end
  file:close()
  math.randomseed(os.time() + tonumber(tostring(requests):match("0x(%x+)") or "0", 16))
end

function request()
  return requests[math.random(#requests)]
end
