package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Upstream accounts whose key is refused are paused, not their tasks failed: a revoked or mistyped key would
 * otherwise fail the whole backlog at the create rate. A paused account gets no new work (its waiting tasks go to
 * other accounts, or wait); the sweep probes it, and the first probe that passes (the key was fixed or rotated;
 * the client re-reads it) resumes dispatch by itself.
 */
public final class AccountHealth {
    private static final Logger LOG = LogManager.getLogger(AccountHealth.class);

    private final AccountStates states;
    private final Upstreams upstreams;
    private final CallGates gates;
    private final PollerSettings settings;
    private final Clock clock;

    public AccountHealth(AccountStates states, Upstreams upstreams, io.wanvideo.gateway.store.RateGate rates,
            PollerSettings settings, Clock clock) {
        this.states = states;
        this.upstreams = upstreams;
        this.gates = new CallGates(rates);
        this.settings = settings;
        this.clock = clock;
    }

    /** The upstream refused the account's key: pause it until a probe passes. */
    public void refused(String account, UpstreamException e) {
        long now = clock.millis();
        states.pause(account, e.getMessage(), now, now + settings.accountProbeEvery().toMillis());
        Metrics.count(Metric.UPSTREAM_KEY_REFUSED, account);
        LOG.error("upstream account {} paused ({}): no new tasks go to it; they wait or go to other accounts. Dispatch "
                + "resumes by itself once a probe shows the key works (fix or rotate the key; it is re-read).", account,
                e.getMessage());
    }

    /** Probes the paused accounts that are due; resumes those whose key works again. @return the resumed ones */
    public List<String> probePaused() {
        long now = clock.millis();
        List<String> resumed = new ArrayList<>();
        var paused = states.read(upstreams.all().stream().map(VideoUpstream::account).toList());
        for (var status : paused.values()) {
            if (!status.paused() || (status.probeAfterMs() != null && status.probeAfterMs() > now)) {
                continue;
            }
            VideoUpstream account = upstreams.get(status.account());
            if (gates.acquire(account.queryGate()) > 0) {
                continue;
            }
            try {
                account.probe();
                Metrics.count(Metric.ACCOUNT_PROBES, "passed");
            } catch (UpstreamException e) {
                Metrics.count(Metric.ACCOUNT_PROBES, e.kind() == UpstreamException.Kind.ACCOUNT_UNUSABLE ? "refused" : "failed");
                if (e.kind() == UpstreamException.Kind.ACCOUNT_UNUSABLE) {
                    states.pause(status.account(), e.getMessage(), now, now + settings.accountProbeEvery().toMillis());
                    LOG.warn("upstream account {} still paused: {}", status.account(), e.getMessage());
                }
                continue;
            }
            states.resume(status.account());
            resumed.add(status.account());
            LOG.info("upstream account {} resumed: its key works again (paused for {} s)", status.account(),
                    status.pausedSinceMs() == null ? 0 : (now - status.pausedSinceMs()) / 1000);
        }
        return resumed;
    }
}
