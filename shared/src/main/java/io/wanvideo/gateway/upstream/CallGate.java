package io.wanvideo.gateway.upstream;

/**
 * A rate limit of the provider that every poller instance must share: at most one call per interval under
 * this name. The adapter names them, since which calls share a limit is a fact about the provider.
 */
public record CallGate(String name, long intervalMs) {}
