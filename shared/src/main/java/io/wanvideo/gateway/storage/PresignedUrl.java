package io.wanvideo.gateway.storage;

import java.net.URI;
import java.time.Instant;

/** A URL that grants a GET of one object until {@code expiresAt}. */
public record PresignedUrl(URI url, Instant expiresAt) {}
