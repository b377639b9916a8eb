--[[
  How far each consumer group of a stream has got, read at one instant together with the
  bus's epoch, so that a Redis that lost its data between two reads cannot pass its new,
  empty groups off as the old ones having handled everything.

  Input:
    KEYS[1] the bus's epoch key
    KEYS[2] the topic stream
    ARGV[1] the epoch the caller's entries were published under

  Output: false when the epoch is another (or gone); else a flat list, per group, of its
  last delivered id and its oldest pending id ('' when nothing is pending). An empty list
  when the stream has no group; false too when the stream is gone.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
local out = {}
for _, info in ipairs(redis.call('XINFO', 'GROUPS', KEYS[2])) do
  local fields = {}
  for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
  local first = ''
  if fields['pending'] > 0 then
    first = redis.call('XPENDING', KEYS[2], fields['name'])[2]
  end
  table.insert(out, fields['last-delivered-id'])
  table.insert(out, first)
end
return out
