package io.wanvideo.gateway.model;

/** What kind of generation a model does; the request rules follow the family. */
public enum ModelFamily {
    /** Reference-to-video: up to five reference images or videos, optional voice timbre and first frame. */
    R2V,
    /** Image-to-video: first frame, first and last frame, driving audio, or continuation of a first clip. */
    I2V
}
