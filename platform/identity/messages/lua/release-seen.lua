--[[
  Takes back claims of a consumer group whose deliveries were refused after claiming: each
  id is removed from the spans' hashes where claim-seen.lua holds it for that same entry,
  and left where another entry holds it (that entry took it first, and keeps it).

  Input:
    KEYS[1]  the group's hashes' common name (`<prefix>seen:<group>:`)
    ARGV[1]  a span's length (s)
    ARGV[2i], ARGV[2i + 1]  claim i's message id and entry id

  Output: how many claims were taken back
]]
local base = KEYS[1]
local now = redis.call('TIME')
local current = math.floor(tonumber(now[1]) / tonumber(ARGV[1]))
local removed = 0
for i = 2, #ARGV, 2 do
  for back = 0, 2 do
    local key = base .. (current - back)
    if redis.call('HGET', key, ARGV[i]) == ARGV[i + 1] then
      removed = removed + redis.call('HDEL', key, ARGV[i])
    end
  end
end
return removed
