-- GET one URL (headers such as the session cookie come from wrk's -H). Run from bench/wrk/.
dofile("common.lua")
