package io.wanvideo.gateway.validation;

import io.wanvideo.gateway.model.MediaItem;

/**
 * A media item and where in the request the client gave it (`media[2]`, `reference_image[0]`, `first_frame`,
 * `input_reference`), so a later rule about the item names the field the client actually sent.
 */
record SourcedMedia(MediaItem item, String param) {}
