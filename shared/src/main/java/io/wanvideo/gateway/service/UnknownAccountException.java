package io.wanvideo.gateway.service;

/** No upstream account of that name takes completion events. */
public final class UnknownAccountException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String account;

    public UnknownAccountException(String account) {
        super("no upstream account " + account + " that pushes completion events", null, false, false);
        this.account = account;
    }

    public String account() {
        return account;
    }
}
