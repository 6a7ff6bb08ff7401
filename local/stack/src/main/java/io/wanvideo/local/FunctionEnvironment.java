package io.wanvideo.local;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.webhook.WebhookSecret;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The environment the three functions get on one machine, as template.yaml gives it in AWS: the infrastructure's
 * endpoints and names, the upstream (the simulator, with the run time the poller should expect of it, or the real
 * DashScope), and the user's own settings over those.
 *
 * @param values                 the variables, as the handlers' {@code Env} reads them
 * @param webhookSecretGenerated whether the webhook signing secret was made for this start (the banner shows it)
 */
public record FunctionEnvironment(Map<String, String> values, boolean webhookSecretGenerated) {
    public FunctionEnvironment {
        values = Map.copyOf(values);
    }

    static FunctionEnvironment of(LocalOptions options, LocalInfrastructure infrastructure, String deadLetterArn) {
        Map<String, String> env = new HashMap<>(infrastructure.awsEnvironment());
        env.put("TABLE_NAME", infrastructure.table());
        env.put("QUEUE_URL", infrastructure.queueUrl());
        env.put("DEAD_LETTER_QUEUE_ARN", deadLetterArn);
        env.put("MEDIA_BUCKET", infrastructure.bucket());
        // Everything here is on 127.0.0.1: media URLs and webhooks may point at loopback (README, "Run it locally").
        env.put("LOCAL_NETWORK_TARGETS", "true");
        if (infrastructure.simulator() != null) {
            env.put("DASHSCOPE_BASE_URL", infrastructure.simulator().baseUrl());
            env.put("DASHSCOPE_API_KEY", "sk-local-simulator");
            // The poller follows the upstream it talks to: the simulator's configured run time.
            SimulatorSettings sim = options.simulator();
            env.put("EXPECTED_GENERATION_SECONDS", Double.toString(Math.max(0.5, (sim.runSecondsMin() + sim.runSecondsMax()) / 2)));
            env.put("GENERATION_TIME_SIGMA", Double.toString(logSpread(sim.runSecondsMin(), sim.runSecondsMax())));
        } else {
            env.put("DASHSCOPE_BASE_URL", options.dashScopeBaseUrl());
            env.put("DASHSCOPE_API_KEY", options.dashScopeApiKey());
        }
        env.putAll(options.functionEnvironment());
        if (infrastructure.simulator() != null && eventsPushed(env) && !env.containsKey(LocalOptions.EVENTS_TOKEN)) {
            // The simulator pushes its completion events to the local API with this token (README, "Completion events").
            env.put(LocalOptions.EVENTS_TOKEN, HexFormat.of().formatHex(randomBytes()));
        }
        boolean generated = false;
        if (!env.containsKey(LocalOptions.WEBHOOK_SECRET) && infrastructure.allEmbedded()) {
            // All embedded, so no Secrets Manager to hold tenants' secrets: one made now signs every tenant's events,
            // and the banner shows it for the receiver (set LOCAL_WEBHOOK_SECRET to keep one across starts).
            env.put(LocalOptions.WEBHOOK_SECRET, WebhookSecret.generate().value());
            generated = true;
        }
        return new FunctionEnvironment(env, generated);
    }

    /** Whether the upstream is to push completion events (COMPLETION_EVENTS=true). */
    static boolean eventsPushed(Map<String, String> env) {
        return "true".equalsIgnoreCase(env.getOrDefault(LocalOptions.COMPLETION_EVENTS, "false").trim());
    }

    private static byte[] randomBytes() {
        byte[] token = new byte[24];
        new SecureRandom().nextBytes(token);
        return token;
    }

    /**
     * The standard deviation of ln(run time) for run times drawn uniformly from [min, max], at least 0.2: the
     * simulator is exact, but a task's end as the poller sees it also moves with PENDING time and latency.
     */
    public static double logSpread(double min, double max) {
        if (!(max > min) || min <= 0) {
            return 0.2;
        }
        int n = 1000;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double x = Math.log(min + (max - min) * (i + 0.5) / n);
            sum += x;
            squares += x * x;
        }
        double mean = sum / n;
        return Math.max(0.2, Math.sqrt(Math.max(0, squares / n - mean * mean)));
    }
}
