package io.wanvideo.gateway.api;

/**
 * One part of a multipart/form-data body, as sent.
 *
 * @param filename the Content-Disposition filename; null for a text field
 * @param mediaType the part's Content-Type without parameters, lower-case; null when the part has none
 * @param charset the Content-Type's charset parameter; null when absent
 * @param transferEncoding the Content-Transfer-Encoding, lower-case; null when absent
 */
record FormPart(String name, String filename, String mediaType, String charset, String transferEncoding,
        byte[] content) {

    /** A file, not a text field: it has a filename, or a Content-Type other than text/plain (RFC 7578, 4.4). */
    boolean isFile() {
        return filename != null || (mediaType != null && !mediaType.equals("text/plain"));
    }
}
