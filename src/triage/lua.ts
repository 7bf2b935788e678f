// Redis scripts of the triage queue. Item keys are built from a prefix passed in ARGV (an item's
// hash is only known inside the script): fine on one Redis or a Sentinel pair, not on a Cluster.

/**
 * A triaged mail enters the queue (run in the inbound "done" transaction, so a retry repeats it
 * harmlessly). A mail whose Message-ID, In-Reply-To or References names a mail of an existing item
 * joins that item instead of opening one, and re-opens it if it was done (issue #11): the person
 * who had it gets it back. KEYS: triage, triage-open, triage-thread, audit.
 * ARGV: hash, at (ms), item key prefix, at (ISO), thread ids…
 */
export const TRIAGE_ENTER = `
local hash, at, pre, iso = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local found = nil
for i = 5, #ARGV do
  local h = redis.call('HGET', KEYS[3], ARGV[i])
  if h and h ~= hash then found = h break end
end
for i = 5, #ARGV do redis.call('HSETNX', KEYS[3], ARGV[i], found or hash) end
if not found then
  if not redis.call('ZSCORE', KEYS[1], hash) then
    redis.call('ZADD', KEYS[1], at, hash)
    if redis.call('HGET', pre .. hash, 'state') ~= 'done' then redis.call('ZADD', KEYS[2], at, hash) end
  end
  return 0
end
local ik = pre .. found
if redis.call('ZADD', ik .. ':mails', at, hash) == 1 and redis.call('HGET', ik, 'state') == 'done' then
  local who = redis.call('HGET', ik, 'assignee')
  redis.call('HSET', ik, 'state', who and 'assigned' or 'open', 'updatedAt', iso)
  redis.call('ZADD', KEYS[2], redis.call('ZSCORE', KEYS[1], found) or at, found)
  redis.call('XADD', KEYS[4], '*', 'rule', 'triage', 'action', 'triage-reopen', 'mail', string.sub(found, 1, 16),
    'actor', 'inbound', 'outcome', 'ok', 'reason', string.sub(hash, 1, 16))
end
return 1`;

/**
 * Take an item: only while nobody has it (two staff clicking "take" at once: one wins). Returns
 * '' when taken, else who has it. KEYS: item. ARGV: staff id, at (ISO).
 */
export const TRIAGE_TAKE = `
local st = redis.call('HGET', KEYS[1], 'state')
if st and st ~= 'open' then return redis.call('HGET', KEYS[1], 'assignee') or st end
redis.call('HSET', KEYS[1], 'state', 'assigned', 'assignee', ARGV[1], 'updatedAt', ARGV[2])
return ''`;
