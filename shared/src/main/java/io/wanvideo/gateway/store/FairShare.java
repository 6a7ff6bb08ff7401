package io.wanvideo.gateway.store;

/**
 * A tenant's standing in one pool.
 *
 * @param load    the sum of the fair steps of its running tasks: running tasks weighed by the tenant's weight
 * @param headMs  submission time of its oldest waiting task (a hint that may lag by one task, never lose one)
 * @param fairKey load + headMs: the lowest is owed the next slot (fewest weighted running tasks, then the
 *                oldest waiting task)
 */
public record FairShare(String tenant, long waiting, long running, long load, Long headMs, long fairKey) {}
