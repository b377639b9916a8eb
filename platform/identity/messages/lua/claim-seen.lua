--[[
  Claims the message ids of the signed deliveries of one read of a consumer group, each for
  the entry that holds it (sent as the read arrives; release-seen.lua takes back those of
  the deliveries then refused). The group's ids live in hashes of id → entry, one per span of the
  server's clock (a generation): an id is looked up in the current span's hash and the two
  before it, and a new one is added to the current span's. One HMGET per hash and one HSET
  for the whole read, where one SET … PX NX per id created a key with an expiry of its own
  for every message (twice the server's work of the message's own XADD). The spans follow
  the server's clock (TIME), so every process agrees on which hash is current, and a hash
  expires when nobody looks it up any more: an id is held at least two spans.

  The answer goes back as one string: a reply element per claim cost the client more to
  read than the claim itself. The claims come as two arguments each: parsing them from one
  text in Lua cost Redis more than the claims' HMGETs and HSET.

  Input:
    KEYS[1]  the group's hashes' common name (`<prefix>seen:<group>:`): a span's hash is it
             and the span's number (the bus's prefix puts them in one slot on a cluster)
    ARGV[1]  a span's length (s)
    ARGV[2i], ARGV[2i + 1]  claim i's message id and entry id (any characters)

  Output: a string with one character per claim, '1' when it was first or by the same
  entry, else '0'
]]
local base = KEYS[1]
local span = tonumber(ARGV[1])
local now = redis.call('TIME')
local current = math.floor(tonumber(now[1]) / span)

local ids, entries = {}, {}
for i = 2, #ARGV, 2 do
  ids[#ids + 1] = ARGV[i]
  entries[#entries + 1] = ARGV[i + 1]
end
local n = #ids
if n == 0 then return '' end

local held = {}
for back = 0, 2 do
  local found = redis.call('HMGET', base .. (current - back), unpack(ids))
  for i = 1, n do
    if not held[i] and found[i] then held[i] = found[i] end
  end
end

-- Also against the claims before it in this call: the same id twice in one read.
local out, fresh, taken = {}, {}, {}
for i = 1, n do
  local id, entry = ids[i], entries[i]
  local first = held[i] or taken[id]
  if first then
    out[i] = first == entry and '1' or '0'
  else
    taken[id] = entry
    fresh[#fresh + 1] = id
    fresh[#fresh + 1] = entry
    out[i] = '1'
  end
end
if #fresh > 0 then
  local key = base .. current
  redis.call('HSET', key, unpack(fresh))
  -- Looked up until the end of the second span after it.
  redis.call('EXPIREAT', key, (current + 3) * span)
end
return table.concat(out)
