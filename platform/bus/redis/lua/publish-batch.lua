--[[
  Appends the envelopes of one signed batch to their topic stream, then the batch's proof
  after them, in one step: nothing else lands between them, so the proof is the first
  proof entry after each of them, at most as many entries on as the entry's 'b' says, and
  since a stream is trimmed from its oldest end, the proof stays as long as any of its
  batch's envelopes. Each envelope is published at most once per de-duplication key (one
  seen before, or earlier in the batch, is not written again) and linked to the previous
  event with the same partition key, as publish-3.lua does for one.

  Input:
    KEYS[1]        the topic stream
    KEYS[2i]       event i's de-duplication key (ignored unless its TTL > 0)
    KEYS[2i + 1]   event i's partition key's last-entry key (ignored unless its TTL > 0)
    ARGV[1]        MAXLEN (approximate trimming)
    ARGV[2]        the batch's proof
    ARGV[3]        n, how many events
    ARGV[4i], ARGV[4i + 1], ARGV[4i + 2], ARGV[4i + 3] for event i (1-based):
                   the envelope (JSON), de-duplication TTL in seconds (0 for none),
                   partition link TTL in seconds (0 for none), the only group that may
                   handle it ('' for all)

  Output: { id 1, 1 when event 1 was a duplicate else 0, id 2, … }, a duplicate's id
  being the entry first written
]]
local n = tonumber(ARGV[3])
-- First: which events are new. A duplicate holds the id already written, or the index of
-- the earlier event of this batch with its key.
local first = {}
local byKey = {}
local fresh = 0
for i = 1, n do
  if tonumber(ARGV[4 * i + 1]) > 0 then
    local key = KEYS[2 * i]
    first[i] = byKey[key] or redis.call('GET', key)
    if not first[i] then byKey[key] = i end
  end
  if not first[i] then fresh = fresh + 1 end
end

local out = {}
local written = 0
for i = 1, n do
  if first[i] then
    local id = first[i]
    if type(id) == 'number' then id = out[2 * id - 1] end
    out[2 * i - 1] = id
    out[2 * i] = 1
  else
    written = written + 1
    local fields = { 'e', ARGV[4 * i], 'b', tostring(fresh - written + 1) }
    -- The batch's first entry carries the proof too (publish-sealed-1.lua says why).
    if written == 1 then
      fields[#fields + 1] = 'h'
      fields[#fields + 1] = ARGV[2]
    end
    if ARGV[4 * i + 3] ~= '' then
      fields[#fields + 1] = 'g'
      fields[#fields + 1] = ARGV[4 * i + 3]
    end
    local linkTtl = tonumber(ARGV[4 * i + 2])
    if linkTtl > 0 then
      local prev = redis.call('GET', KEYS[2 * i + 1])
      if prev then
        fields[#fields + 1] = 'p'
        fields[#fields + 1] = prev
      end
    end
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
    local dedupeTtl = tonumber(ARGV[4 * i + 1])
    if dedupeTtl > 0 then redis.call('SET', KEYS[2 * i], id, 'EX', dedupeTtl) end
    if linkTtl > 0 then redis.call('SET', KEYS[2 * i + 1], id, 'EX', linkTtl) end
    out[2 * i - 1] = id
    out[2 * i] = 0
  end
end
if fresh > 0 then redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'h', ARGV[2]) end
return out
