// Lua scripts: each change of a booking is one atomic step in Redis, so concurrent staff (or
// processes) can never double-book a slot or lose a change. Every script opens with its contract.

/**
 * KEYS[1] slot hash (staffId -> bookingId)  KEYS[2] booking key  KEYS[3] day set
 * KEYS[4] seeker's bookings set  KEYS[5] load hash (staffId -> active bookings)  KEYS[6] pending-notify set
 * ARGV[1] booking JSON without staffId  ARGV[2] booking id  ARGV[3..] staff ids in preference order
 * Returns the staff id that got the slot, or false when every candidate is taken.
 */
export const BOOK = `
local chosen = nil
for i = 3, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[2]) == 1 then chosen = ARGV[i]; break end
end
if not chosen then return false end
local b = cjson.decode(ARGV[1])
b.staffId = chosen
redis.call('SET', KEYS[2], cjson.encode(b))
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('HINCRBY', KEYS[5], chosen, 1)
redis.call('SADD', KEYS[6], ARGV[2])
return chosen
`;

/**
 * KEYS[1] booking key  KEYS[2] old slot hash  KEYS[3] new slot hash  KEYS[4] old day set  KEYS[5] new day set
 * KEYS[6] load hash  KEYS[7] pending-notify set
 * ARGV[1] expected sequence  ARGV[2] updated booking JSON (new start/end/sequence/history, no staffId)
 * ARGV[3..] staff ids in preference order for the new slot
 * Returns the staff id now holding the booking, 'stale' if the booking changed meanwhile, false if full.
 */
export const RESCHEDULE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 'stale' end
cur = cjson.decode(cur)
if tostring(cur.sequence) ~= ARGV[1] or cur.status ~= 'booked' then return 'stale' end
local chosen = nil
for i = 3, #ARGV do
  if redis.call('HSETNX', KEYS[3], ARGV[i], cur.id) == 1 then chosen = ARGV[i]; break end
end
if not chosen then return false end
if redis.call('HGET', KEYS[2], cur.staffId) == cur.id then redis.call('HDEL', KEYS[2], cur.staffId) end
redis.call('SREM', KEYS[4], cur.id)
redis.call('SADD', KEYS[5], cur.id)
local b = cjson.decode(ARGV[2])
b.staffId = chosen
if chosen ~= cur.staffId then
  b.previousStaffId = cur.staffId
  redis.call('HINCRBY', KEYS[6], cur.staffId, -1)
  redis.call('HINCRBY', KEYS[6], chosen, 1)
else
  b.previousStaffId = nil
end
redis.call('SET', KEYS[1], cjson.encode(b))
redis.call('SADD', KEYS[7], cur.id)
return chosen
`;

/**
 * A status change of a booked booking (cancel, no-show, attend).
 * KEYS[1] booking key  KEYS[2] slot hash  KEYS[3] load hash  KEYS[4] pending-notify set
 * ARGV[1] expected sequence  ARGV[2] updated booking JSON  ARGV[3] '1' to free the slot and the load
 * ARGV[4] '1' to queue notifications
 * Returns 'ok' or 'stale' (the booking changed meanwhile or is no longer booked).
 */
export const TRANSITION = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 'stale' end
cur = cjson.decode(cur)
if tostring(cur.sequence) ~= ARGV[1] or cur.status ~= 'booked' then return 'stale' end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then
  if redis.call('HGET', KEYS[2], cur.staffId) == cur.id then redis.call('HDEL', KEYS[2], cur.staffId) end
  redis.call('HINCRBY', KEYS[3], cur.staffId, -1)
end
if ARGV[4] == '1' then redis.call('SADD', KEYS[4], cur.id) end
return 'ok'
`;

/**
 * A booking cancelled by mistake taken back into its own slot (issue #13: reinstate).
 * KEYS[1] booking key  KEYS[2] slot hash  KEYS[3] load hash  KEYS[4] pending-notify set
 * ARGV[1] expected sequence  ARGV[2] updated booking JSON (status booked, same staffId)
 * Returns 'ok', 'stale' (changed meanwhile, or not cancelled) or 'taken' (the slot was given away).
 */
export const REINSTATE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 'stale' end
cur = cjson.decode(cur)
if tostring(cur.sequence) ~= ARGV[1] or cur.status ~= 'cancelled' then return 'stale' end
if redis.call('HSETNX', KEYS[2], cur.staffId, cur.id) == 0 then return 'taken' end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], cur.staffId, 1)
redis.call('SADD', KEYS[4], cur.id)
return 'ok'
`;
