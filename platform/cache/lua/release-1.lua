--[[
  Releases a load lock if the caller still holds it (a loader that failed).

  Input:
    KEYS[1] the key's load lock
    ARGV[1] the caller's token
    ARGV[2] the channel waiters listen on
    ARGV[3] the message waking them, so that one of them takes the lock

  Output: 1 released, 0 the lock was another's or gone.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
