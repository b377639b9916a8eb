--[[
  Appends an event to its topic stream, at most once per de-duplication key, and links it
  to the previous event with the same partition key (for ordered subscriptions).

  Input:
    KEYS[1] the topic stream
    KEYS[2] the de-duplication key (ignored unless ARGV[3] > 0)
    KEYS[3] the partition key's last-entry key (ignored unless ARGV[4] > 0)
    ARGV[1] MAXLEN (approximate trimming)
    ARGV[2] the envelope, JSON
    ARGV[3] de-duplication TTL in seconds, 0 for none
    ARGV[4] partition link TTL in seconds, 0 for none
    ARGV[5] the only group that may handle it, '' for all

  Output: { entry id, 1 when it was a duplicate (the id is the first entry's) else 0 }
]]
local dedupeTtl = tonumber(ARGV[3])
if dedupeTtl > 0 then
  local seen = redis.call('GET', KEYS[2])
  if seen then return { seen, 1 } end
end

local fields = { 'e', ARGV[2] }
if ARGV[5] ~= '' then
  fields[#fields + 1] = 'g'
  fields[#fields + 1] = ARGV[5]
end
local linkTtl = tonumber(ARGV[4])
if linkTtl > 0 then
  local prev = redis.call('GET', KEYS[3])
  if prev then
    fields[#fields + 1] = 'p'
    fields[#fields + 1] = prev
  end
end

local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
if dedupeTtl > 0 then redis.call('SET', KEYS[2], id, 'EX', dedupeTtl) end
if linkTtl > 0 then redis.call('SET', KEYS[3], id, 'EX', linkTtl) end
return { id, 0 }
