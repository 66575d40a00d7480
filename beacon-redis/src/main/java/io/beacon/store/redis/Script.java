package io.beacon.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script run with {@code EVALSHA}, sent whole ({@code EVAL}) only to a server that does not have
 * it cached yet (a restarted Redis, a new cluster node). Every key of one call must share a hash tag.
 */
final class Script {
    private final String source;
    private final String sha;

    Script(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<T> first = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return redis.<T>eval(source, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** Compare-and-set of one user's record: {@code {1,''}} when written, {@code {0,current}} when it moved. */
    static final Script USER_CAS = new Script("""
            local cur = redis.call('GET', KEYS[1])
            if cur == false then cur = '' end
            if cur ~= ARGV[1] then return {0, cur} end
            if ARGV[3] ~= '0' then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            else
              redis.call('SET', KEYS[1], ARGV[2])
            end
            return {1, ''}
            """);

    /**
     * Compare-and-set of one room member, with the room's version bump and member count, atomically.
     * KEYS: room hash (v, seq), members hash (user → member), order zset (seq → user). ARGV: user,
     * expected member ('' absent), new member ('' gone), member limit, now, ttl of an emptied room's
     * version floor. Returns {status, current member, since, version, count, seq}; status is ok,
     * same, full or retry (then current is what the member is now).
     */
    static final Script ROOM_MEMBER = new Script("""
            local cur = redis.call('HGET', KEYS[2], ARGV[1])
            if cur == false then cur = '' end
            local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
            if cur ~= ARGV[2] then return {'retry', cur, v, v, 0, 0} end
            local count = redis.call('HLEN', KEYS[2])
            if cur == ARGV[3] then return {'same', '', v, v, count, 0} end
            local seq = 0
            if ARGV[3] == '' then
              redis.call('HDEL', KEYS[2], ARGV[1])
              redis.call('ZREM', KEYS[3], ARGV[1])
              count = count - 1
            else
              if cur == '' then
                if count >= tonumber(ARGV[4]) then return {'full', '', v, v, count, 0} end
                seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
                redis.call('ZADD', KEYS[3], seq, ARGV[1])
                count = count + 1
              else
                seq = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[1]))
              end
              redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
            end
            local nv = math.max(v + 1, tonumber(ARGV[5]))
            redis.call('HSET', KEYS[1], 'v', string.format('%.0f', nv))
            if count == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) else redis.call('PERSIST', KEYS[1]) end
            return {'ok', '', v, nv, count, seq}
            """);

    /** The whole room at one version: {version, order (user, seq, …), members (user, member, …)}. */
    static final Script ROOM_READ = new Script("""
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            return {v, redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES'), redis.call('HGETALL', KEYS[2])}
            """);

    /** One page after seq ARGV[1], at most ARGV[2]: {version, count, order (user, seq, …), members}. */
    static final Script ROOM_PAGE = new Script("""
            local v = redis.call('HGET', KEYS[1], 'v') or '0'
            local page = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]) + 1)
            local users = {}
            for i = 1, #page, 2 do users[#users + 1] = page[i] end
            local members = {}
            if #users > 0 then members = redis.call('HMGET', KEYS[2], unpack(users)) end
            return {v, redis.call('ZCARD', KEYS[3]), page, members}
            """);

    /**
     * Renews this node's lease and claims the cleanup of nodes whose lease expired (a claim lasts
     * ARGV[4] ms, so a claimer that dies does not block it forever). KEYS: leases hash
     * (node → expires at; a clean stop stores minus the time it stopped), claims hash. ARGV: node,
     * expires at, now, claim ms, whether the node held a lease already ('1': renew only a lease
     * that is still its own; '0': take a lease only for an id never seen). Returns {'lost'} when
     * the lease expired, vanished or was claimed by another node, or a new id is taken already
     * (then nothing is written: the node must take a new id), else {'ok', node, its lease's value,
     * …} with the dead nodes this node now cleans up.
     */
    static final Script LEASE = new Script("""
            local now = tonumber(ARGV[3])
            local mine = redis.call('HGET', KEYS[1], ARGV[1])
            if ARGV[5] == '1' then
              if mine == false or tonumber(mine) < now or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
                return {'lost'}
              end
            elseif mine ~= false then
              return {'lost'}
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local all = redis.call('HGETALL', KEYS[1])
            local dead = {'ok'}
            for i = 1, #all, 2 do
              local node = all[i]
              if node ~= ARGV[1] and tonumber(all[i + 1]) < now then
                local claim = redis.call('HGET', KEYS[2], node)
                local claimedUntil = 0
                if claim then claimedUntil = tonumber(string.match(claim, '|(%d+)$') or '0') end
                if claimedUntil < now then
                  redis.call('HSET', KEYS[2], node, ARGV[1] .. '|' .. string.format('%.0f', now + tonumber(ARGV[4])))
                  dead[#dead + 1] = node
                  dead[#dead + 1] = all[i + 1]
                end
              end
            end
            return dead
            """);
}
