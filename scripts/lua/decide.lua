-- GET /decide with the next of the session cookies in the file args[1], one per line, as nginx
-- auth_request sends it (the other headers come from wrk's -H options). With args[2], pace.lua
-- appended: a wait of args[2] ms on average between a response and the connection's next request.
local requests, index = {}, 0
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  for cookie in io.lines(args[1]) do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Cookie"] = cookie
    table.insert(requests, wrk.format("GET", "/decide", headers))
  end
  index = id -- threads start at different sessions
  if args[2] then pace(tonumber(args[2])) end
end
function request()
  if #requests == 0 then return wrk.format("GET", "/decide") end -- wrk's check before init
  index = index % #requests + 1
  return requests[index]
end
