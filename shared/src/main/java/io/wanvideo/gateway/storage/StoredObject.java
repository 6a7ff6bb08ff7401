package io.wanvideo.gateway.storage;

/** An object as stored: its key, its size in bytes and its content type. */
public record StoredObject(String key, long size, String contentType) {}
