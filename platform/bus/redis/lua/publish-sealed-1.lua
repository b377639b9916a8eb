--[[
  Appends the envelopes of one signed batch whose publishes ask for nothing but the append
  (no de-duplication key, partition link or only-group), then the batch's proof after
  them: what publish-batch.lua writes for such a batch, without reading or passing a key
  per event. Each entry holds its envelope ('e') and how many entries on its proof is ('b');
  the first also holds the proof ('h'), so that a reader taking the batch in several reads
  has it from the first (the entry after the batch keeps it for whoever holds only the rest).

  Input:
    KEYS[1]        the topic stream
    ARGV[1]        MAXLEN (approximate trimming)
    ARGV[2]        the batch's proof
    ARGV[i + 2]    event i's envelope (JSON)

  Output: { id 1, id 2, … }
]]
local n = #ARGV - 2
local out = {}
out[1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3], 'b', tostring(n), 'h', ARGV[2])
for i = 2, n do
  out[i] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i + 2], 'b', tostring(n - i + 1))
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'h', ARGV[2])
return out
