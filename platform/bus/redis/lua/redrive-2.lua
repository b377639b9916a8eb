--[[
  Moves one dead-lettered event back to its topic stream, addressed to its group only,
  and removes it from the dead-letter stream, in one step (two concurrent redrives cannot
  both send it).

  Input:
    KEYS[1] the group's dead-letter stream
    KEYS[2] the topic stream
    ARGV[1] the dead-letter entry id
    ARGV[2] the group
    ARGV[3] MAXLEN of the topic stream
    ARGV[4] the envelope to send instead of the stored one (signed again), or ''

  Output: the new entry id, or false when the dead-letter entry is gone
]]
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local event
for i = 1, #fields, 2 do
  if fields[i] == 'e' then event = fields[i + 1] end
end
if ARGV[4] ~= '' then event = ARGV[4] end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'e', event, 'g', ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[1])
return id
