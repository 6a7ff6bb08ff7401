package io.wanvideo.gateway.store;

/** A waiting task as the backlog index lists it. */
public record BacklogEntry(String taskId, long createdMs) {}
