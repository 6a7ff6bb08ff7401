package io.wanvideo.dashscope.simulator;

/**
 * What DashScope received for one media item of a create, so a test can assert an input arrived byte for byte.
 *
 * @param field  where it sat in the body, e.g. {@code input.media[0].url}
 * @param url    the URL as sent; a data URI is shortened to its header and length
 * @param source {@code downloaded} (a loopback URL, fetched), {@code data_uri} (decoded) or {@code not_fetched}
 *               (any other host: tests point at example.com, which must not be reached)
 * @param bytes  the size of what was received, or null when not fetched
 * @param sha256 its SHA-256 in hex, or null when not fetched
 */
record MediaReceipt(String field, String type, String url, String source, Long bytes, String sha256) {
    static final String DOWNLOADED = "downloaded";
    static final String DATA_URI = "data_uri";
    static final String NOT_FETCHED = "not_fetched";
}
