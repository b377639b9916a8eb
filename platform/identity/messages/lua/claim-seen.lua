--[[
  Claims the message ids a turn of deliveries verified, each for the entry that holds it:
  `SET key entry PX ttl NX GET` for each, in one call instead of one command per message.

  Input:
    KEYS[i]    the id's key (`<prefix>seen:<group>:<id>`), one per claim
    ARGV[2i-1] the entry id claiming it
    ARGV[2i]   how long to keep it (ms)

  Output: { 1 when claim i was first or by the same entry else 0, … }
]]
local out = {}
for i = 1, #KEYS do
  local entry = ARGV[2 * i - 1]
  local held = redis.call('SET', KEYS[i], entry, 'PX', ARGV[2 * i], 'NX', 'GET')
  if held == false or held == entry then out[i] = 1 else out[i] = 0 end
end
return out
