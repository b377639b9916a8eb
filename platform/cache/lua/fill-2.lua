--[[
  Stores a loaded value, unless one of its tags was invalidated while it was loading
  (the value may predate the change), and releases the caller's lock.

  Input:
    KEYS[1] the value hash
    KEYS[2] the key's load lock
    ARGV[1] the caller's token
    ARGV[2] time to live, ms
    ARGV[3] the value's JSON
    ARGV[4] prefix of the tag generation keys
    ARGV[5] the tags, a JSON array
    ARGV[6] their generations when the load began, a JSON array
    ARGV[7] the channel waiters listen on
    ARGV[8] the message telling them the key is filled

  Output: 1 stored, 0 not (a tag changed meanwhile).
]]
local tags = cjson.decode(ARGV[5])
local generations = cjson.decode(ARGV[6])
local fresh = true
for i, tag in ipairs(tags) do
  if tonumber(redis.call('GET', ARGV[4] .. tag) or '0') ~= generations[i] then
    fresh = false
    break
  end
end
if fresh then
  redis.call('HSET', KEYS[1], 'v', ARGV[3], 't', ARGV[5], 'g', ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
-- Waiters wake either way: they read the value, or take the lock and load a fresh one.
redis.call('PUBLISH', ARGV[7], ARGV[8])
return fresh and 1 or 0
