--[[
  Invalidates tags: each tag's generation goes up, so every value filled under the old
  one reads as stale (and is deleted when read), then every process hears of it.

  Input:
    ARGV[1] prefix of the tag generation keys
    ARGV[2] how long a generation outlives its last change, seconds (the longest TTL)
    ARGV[3] the channel every process listens on
    ARGV[4] the message dropping the tags from every L1
    ARGV[5..] the tags

  Output: how many processes heard the message.
]]
for i = 5, #ARGV do
  local key = ARGV[1] .. ARGV[i]
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[2])
end
return redis.call('PUBLISH', ARGV[3], ARGV[4])
