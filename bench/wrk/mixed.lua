-- Steady mixed reading for make faults: each request GETs the next page of a list, with the
-- cookie of the person who reads it. Run from bench/wrk/. Argument (after "--"): a file with
-- one "path<TAB>cookie" line per page.
dofile("common.lua")

local count_init = init

function init(args)
  count_init(args)
  pages = {}
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^(.-)\t(.*)$")
    if path then pages[#pages + 1] = {path = path, cookie = cookie} end
  end
  counter = tid
end

function request()
  counter = counter + 1
  local page = pages[(counter % #pages) + 1]
  return wrk.format("GET", page.path, {["Cookie"] = page.cookie})
end
