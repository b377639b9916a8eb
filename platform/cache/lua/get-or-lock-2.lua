--[[
  The cached value of a key, or the right to load it.

  Input:
    KEYS[1] the value hash (v: JSON, t: tags as a JSON array, g: their generations as a JSON array)
    KEYS[2] the key's load lock
    ARGV[1] this caller's token
    ARGV[2] the lock's lease, ms; 0 only reads (no lock is taken)
    ARGV[3] prefix of the tag generation keys
    ARGV[4..] the tags the caller will store the value under

  Output:
    {'hit', json, pttl}      a value whose tags were not invalidated since it was filled,
                             and the ms it has left
    {'miss', generations}    none, and ARGV[2] was 0
    {'lock', generations}    the caller holds the lock and loads; generations (JSON array,
                             one per ARGV[4..] tag) go back with its fill
    {'wait', generations}    another caller holds the lock

  A value filled before one of its tags was invalidated is stale: it is deleted here.
]]
local held = redis.call('HMGET', KEYS[1], 'v', 't', 'g')
if held[1] then
  local tags = cjson.decode(held[2])
  local generations = cjson.decode(held[3])
  local fresh = true
  for i, tag in ipairs(tags) do
    if tonumber(redis.call('GET', ARGV[3] .. tag) or '0') ~= generations[i] then
      fresh = false
      break
    end
  end
  if fresh then
    return {'hit', held[1], redis.call('PTTL', KEYS[1])}
  end
  redis.call('DEL', KEYS[1])
end

local now = {}
for i = 4, #ARGV do
  now[#now + 1] = tonumber(redis.call('GET', ARGV[3] .. ARGV[i]) or '0')
end
-- cjson encodes an empty table as an object.
local encoded = #now == 0 and '[]' or cjson.encode(now)
if ARGV[2] == '0' then
  return {'miss', encoded}
end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {'lock', encoded}
end
return {'wait', encoded}
