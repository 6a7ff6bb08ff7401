package io.wanvideo.gateway.config;

import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.schedule.DashScopeTimeTable;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.service.PollerSettings;
import io.wanvideo.gateway.service.WatchSettings;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Every tunable, read from the environment in one place, with its default. README lists them. */
public final class GatewaySettings {
    private GatewaySettings() {}

    public static String tableName(Env env) {
        return env.required("TABLE_NAME");
    }

    /** MEDIA_BUCKET: the bucket that keeps result videos ({@code results/}) and offloaded inputs ({@code inputs/}). */
    public static String mediaBucket(Env env) {
        return env.required("MEDIA_BUCKET");
    }

    /** TASK_RETENTION_DAYS (30): finished tasks are removed by DynamoDB TTL after this. */
    public static Duration retention(Env env) {
        return Duration.ofDays(env.integer("TASK_RETENTION_DAYS", 30));
    }

    /**
     * EXPECTED_GENERATION_SECONDS: one expected generation time for every task (what a simulator or another
     * provider is configured to take); unset means the DashScope table. GENERATION_TIME_SIGMA (0.4): the
     * log-normal spread around it.
     */
    public static GenerationTimeModel generationTimes(Env env) {
        double sigma = env.decimal("GENERATION_TIME_SIGMA", DashScopeTimeTable.SIGMA);
        return env.optional("EXPECTED_GENERATION_SECONDS")
                .<GenerationTimeModel>map(s -> new FixedGenerationTime(new LogNormal(Double.parseDouble(s), sigma)))
                .orElseGet(DashScopeTimeTable::new);
    }

    /**
     * The deadlines of each state (README, "Faults"): TASK_TIMEOUT_MINUTES (60) running upstream,
     * QUEUE_TIMEOUT_HOURS (24) waiting in the backlog, DISPATCH_TIMEOUT_MINUTES (15) trying to create.
     */
    public static PollerSettings poller(Env env) {
        PollerSettings d = PollerSettings.DEFAULT;
        return new PollerSettings(
                Duration.ofMinutes(env.integer("TASK_TIMEOUT_MINUTES", (int) d.taskTimeout().toMinutes())),
                Duration.ofHours(env.integer("QUEUE_TIMEOUT_HOURS", (int) d.queueTimeout().toHours())),
                Duration.ofMinutes(env.integer("DISPATCH_TIMEOUT_MINUTES", (int) d.dispatchTimeout().toMinutes())),
                d.orphanGrace(), d.createTimeout(), d.maxTransientAttempts(), d.videoUrlLifetime(), d.accountProbeEvery());
    }

    /**
     * The upstream accounts (see {@link UpstreamAccountsConfig}), each with its key re-read at most
     * DASHSCOPE_KEY_MAX_AGE_SECONDS (300) after it was last read, and never before it is first needed.
     */
    public static Upstreams upstreams(Env env, SecretReader secrets, Clock clock) {
        Duration keyMaxAge = Duration.ofSeconds(env.integer("DASHSCOPE_KEY_MAX_AGE_SECONDS", 300));
        return new Upstreams(UpstreamAccountsConfig.read(env, secrets).stream().map(account -> new DashScopeClient(
                account.name(), dashScope(account.baseUrl()), account.limits(),
                new RefreshingSecret(() -> secrets.read(account.key()), keyMaxAge, clock), clock)).toList());
    }

    private static DashScopeClient.Settings dashScope(java.net.URI base) {
        DashScopeClient.Settings d = DashScopeClient.Settings.defaults(base);
        return new DashScopeClient.Settings(base, d.connectTimeout(), PollerSettings.DEFAULT.createTimeout(), d.queryTimeout());
    }

    /** PRICE_TABLE: USD per billed second by model and size, over DashScope's list prices. */
    public static PriceTable prices(Env env) {
        return env.optional("PRICE_TABLE").map(PriceTable::parse).orElseGet(PriceTable::dashScope);
    }

    /**
     * What a tenant may do unless its API key record says otherwise: TENANT_MAX_WAITING (1000 per model),
     * TENANT_SUBMITS_PER_MINUTE (120), weight 1.
     */
    public static TenantPolicy tenantDefaults(Env env) {
        return new TenantPolicy(env.integer("TENANT_MAX_WAITING", 1000), env.integer("TENANT_SUBMITS_PER_MINUTE", 120), 1.0,
                null);
    }

    /**
     * The request rules with this deployment's network policy: LOCAL_NETWORK_TARGETS (false) lets media URLs and
     * webhooks point at loopback, for the one-machine stack where everything is on 127.0.0.1.
     */
    public static VideoRequestValidator validator(Env env, boolean storesInputs) {
        boolean local = env.flag("LOCAL_NETWORK_TARGETS", false);
        // Without storage, inline media stays in the task item (400 KB at most, with the rest of the task).
        int maxInline = storesInputs ? Integer.MAX_VALUE : 350_000;
        io.wanvideo.gateway.webhook.WebhookTargets targets = webhookTargets(env);
        return new VideoRequestValidator(local, url -> {
            try {
                targets.check(url);
                return java.util.Optional.empty();
            } catch (io.wanvideo.gateway.webhook.WebhookTargetRefusedException refused) {
                return java.util.Optional.of(refused.getMessage());
            }
        }, maxInline);
    }

    /** RESULT_RETENTION_DAYS (7): how long copies of finished videos are kept (the bucket's lifecycle rule). */
    public static Duration resultRetention(Env env) {
        return Duration.ofDays(env.integer("RESULT_RETENTION_DAYS", 7));
    }

    /**
     * The gateway's storage, when MEDIA_BUCKET names one: inputs are linked to the upstream for INPUT_LINK_MINUTES
     * (60) after dispatch, and results to clients for RESULT_LINK_SECONDS (3600) after they ask.
     */
    public static java.util.Optional<io.wanvideo.gateway.service.MediaStorage> mediaStorage(Env env) {
        Duration inputLinks = Duration.ofMinutes(env.integer("INPUT_LINK_MINUTES", 60));
        Duration resultLinks = Duration.ofSeconds(env.integer("RESULT_LINK_SECONDS", 3600));
        return env.optional("MEDIA_BUCKET").map(bucket -> new io.wanvideo.gateway.service.MediaStorage(
                S3Clients.objectStore(env), inputLinks, resultLinks));
    }

    /** RESULT_COPY (true): copy finished videos into the bucket; false keeps only the upstream's 24-hour URL. */
    public static boolean copyResults(Env env) {
        return env.flag("RESULT_COPY", true);
    }

    /**
     * WEBHOOK_RETRY_SECONDS: the delays before each delivery attempt, comma-separated (default: at once, then 5 s,
     * 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); the event is given up after the last.
     */
    public static java.util.List<Integer> webhookRetries(Env env) {
        String text = env.text("WEBHOOK_RETRY_SECONDS", "0,5,300,1800,7200,18000,36000,36000");
        try {
            java.util.List<Integer> delays = java.util.Arrays.stream(text.split(",")).map(String::trim).map(Integer::valueOf)
                    .toList();
            if (delays.isEmpty() || delays.stream().anyMatch(d -> d < 0)) {
                throw new NumberFormatException();
            }
            return delays;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("WEBHOOK_RETRY_SECONDS must be non-negative whole seconds separated by commas");
        }
    }

    /** Where webhooks may go: the deployed policy (https to public hosts), or loopback too with LOCAL_NETWORK_TARGETS. */
    public static io.wanvideo.gateway.webhook.WebhookTargets webhookTargets(Env env) {
        return new io.wanvideo.gateway.webhook.WebhookTargets(env.flag("LOCAL_NETWORK_TARGETS", false)
                ? io.wanvideo.gateway.webhook.WebhookTargets.Policy.LOCAL : io.wanvideo.gateway.webhook.WebhookTargets.Policy.DEPLOYED);
    }

    /** METRICS_NAMESPACE (WanVideoGateway): the CloudWatch namespace of the functions' metrics; the template names it per stack. */
    public static String metricsNamespace(Env env) {
        return env.text("METRICS_NAMESPACE", "WanVideoGateway");
    }

    /** MAX_BODY_BYTES (6 MB, what Lambda accepts): larger request bodies get 413. */
    public static int maxBodyBytes(Env env) {
        return env.integer("MAX_BODY_BYTES", 6_000_000);
    }

    /** API_KEY_CACHE_SECONDS (60): how long an instance trusts a key it has looked up. */
    public static Duration apiKeyCache(Env env) {
        return Duration.ofSeconds(env.integer("API_KEY_CACHE_SECONDS", 60));
    }

    /**
     * COMPLETION_WATCHER (true): notice finished tasks by listing each account's tasks (README, "Completion watcher").
     * COMPLETION_EVENTS (false): the upstream pushes an event as each task ends (README, "Completion events"), so the
     * listing only stands in for events that never came, at a sparser cadence.
     */
    public static WatchSettings watcher(Env env) {
        WatchSettings watching = WatchSettings.DEFAULT.enabled(env.flag("COMPLETION_WATCHER", true));
        return env.flag("COMPLETION_EVENTS", false) ? watching.behindEvents() : watching;
    }

    /**
     * What the sender of completion events must present (README, "Completion events"): UPSTREAM_EVENTS_TOKEN_SECRET_ARN
     * (a Secrets Manager secret: the token, or JSON with it under "token"), or UPSTREAM_EVENTS_TOKEN (the value itself:
     * the local stack). Neither: the gateway takes no events. Read when the first event comes, and again hourly.
     */
    public static Optional<Supplier<String>> upstreamEventsToken(Env env, SecretReader secrets, Clock clock) {
        Optional<SecretRef> ref = env.optional("UPSTREAM_EVENTS_TOKEN_SECRET_ARN")
                .<SecretRef>map(arn -> new SecretRef.InSecretsManager(arn, "token"))
                .or(() -> env.optional("UPSTREAM_EVENTS_TOKEN").map(SecretRef.Plain::new));
        return ref.map(r -> new RefreshingSecret(() -> secrets.read(r), Duration.ofHours(1), clock));
    }
}
