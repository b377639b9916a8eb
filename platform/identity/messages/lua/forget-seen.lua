--[[
  Forgets that a consumer group accepted a message id (a redrive sends it again): removes
  it from every span's hash where claim-seen.lua could find it.

  Input:
    KEYS[1]  the group's hashes' common name (`<prefix>seen:<group>:`)
    ARGV[1]  a span's length (s)
    ARGV[2]  the message id

  Output: how many hashes held it
]]
local now = redis.call('TIME')
local current = math.floor(tonumber(now[1]) / tonumber(ARGV[1]))
local removed = 0
for back = 0, 2 do
  removed = removed + redis.call('HDEL', KEYS[1] .. (current - back), ARGV[2])
end
return removed
