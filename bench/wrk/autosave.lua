-- Autosave of reflections: POSTs as autosave.js sends them, from many signed-in readers.
-- Run from bench/wrk/. Arguments (after "--"): a file with one "cookie<TAB>csrf" line per
-- reader, then a file with one prompt key per line. Each request takes the next reader and
-- the next prompt, so concurrent saves hit different rows, as real readers' would.
dofile("common.lua")

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local count_init = init

function init(args)
  count_init(args)
  readers = {}
  for _, line in ipairs(lines(args[1])) do
    local cookie, csrf = line:match("^(.-)\t(.*)$")
    readers[#readers + 1] = {cookie = cookie, csrf = csrf}
  end
  keys = lines(args[2])
  counter = tid * 1000
end

function request()
  counter = counter + 1
  local reader = readers[(counter % #readers) + 1]
  local key = keys[(math.floor(counter / #readers) % #keys) + 1]
  local body = "version=&text=Autosaved+draft+" .. counter .. ":+my+breathing+slowed+down."
  return wrk.format("POST", "/journal/answer/" .. key .. "/", {
    ["Cookie"] = reader.cookie,
    ["X-CSRFToken"] = reader.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end
