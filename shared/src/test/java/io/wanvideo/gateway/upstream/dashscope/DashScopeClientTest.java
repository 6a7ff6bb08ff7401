package io.wanvideo.gateway.upstream.dashscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.Fault;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.config.DryRun;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.testing.Specs;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.ListedTask;
import io.wanvideo.gateway.upstream.TaskListing;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.UpstreamException.Kind;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import io.wanvideo.gateway.validation.VideoRequestValidatorTest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real client against the simulator, over loopback HTTP. */
class DashScopeClientTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final DashScopeSimulator sim = DashScopeSimulator.start(
            SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(1000, 1000).withConcurrency(1000,
                    SimulatorSettings.ConcurrencyMode.REJECT).withApiKey("sk-secret-key"), 0, now::get);
    private final DashScopeClient client = client("sk-secret-key", Duration.ofSeconds(5));

    private DashScopeClient client(String key, Duration createTimeout) {
        return DashScopeClient.withKey("main", new DashScopeClient.Settings(URI.create(sim.baseUrl()), Duration.ofSeconds(2),
                createTimeout, Duration.ofSeconds(5)), AccountLimits.DASHSCOPE, key, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** Every request the gateway accepts, as the validator test's table lists them. */
    static Stream<Arguments> acceptedRequests() {
        return VideoRequestValidatorTest.rules().filter(a -> ((VideoRequestValidatorTest.Expect) a.get()[2]).code() == null)
                .map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedRequests")
    void whatTheGatewayAcceptsDashScopeAccepts(String name, String body) throws Exception {
        VideoSpec spec = new VideoRequestValidator().validate(Json.tree(body));
        String id = client.create(spec);
        assertThat(id).isNotBlank();
        assertThat(client.query(id).state()).isIn(UpstreamState.WAITING, UpstreamState.RUNNING);
    }

    @Test
    void followsATaskToItsResult() {
        String id = client.create(Specs.i2v("a dog"));
        now.addAndGet(5_000);
        assertThat(client.query(id).state()).isEqualTo(UpstreamState.RUNNING);
        now.addAndGet(5_000);
        UpstreamTask done = client.query(id);
        assertThat(done.state()).isEqualTo(UpstreamState.SUCCEEDED);
        assertThat(done.rawStatus()).isEqualTo("SUCCEEDED");
        assertThat(done.videoUrl()).startsWith(sim.baseUrl());
        // The simulator sends durations as a float, an int and a string; all three parse.
        assertThat(done.usage().outputVideoSeconds()).isEqualTo(5.0);
        assertThat(done.usage().billedSeconds()).isEqualTo(5.0);
    }

    /** Priming answers AWS calls on the spot inside a dry run; a DashScope call there is refused, never sent. */
    @Test
    void sendsNothingInsideADryRun() {
        assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> DryRun.run(() -> client.create(Specs.r2v("a cat"))));
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> DryRun.run(() -> client.query("task-1")));
        assertThat(sim.stats().get("create_calls").asInt() + sim.stats().get("query_calls").asInt()).isZero();
        // Outside a dry run it sends as usual.
        assertThat(client.query(client.create(Specs.r2v("a cat"))).state()).isNotNull();
        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    @Test
    void reportsAFailedTaskWithItsCode() {
        String id = client.create(Specs.r2v("x sim:fail=DataInspectionFailed sim:run=1"));
        now.addAndGet(1_000);
        UpstreamTask failed = client.query(id);
        assertThat(failed.state()).isEqualTo(UpstreamState.FAILED);
        assertThat(failed.error().code()).isEqualTo("DataInspectionFailed");
        assertThat(failed.error().message()).isEqualTo("Simulated failure: DataInspectionFailed.");
    }

    @Test
    void classifiesRefusals() {
        assertThat(refusal(() -> client.create(Specs.r2v("x sim:reject=400:InvalidParameter"))))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT))
                .satisfies(e -> assertThat(e.code()).isEqualTo("InvalidParameter"));
        assertThat(refusal(() -> client.create(Specs.r2v("x sim:reject=429:Throttling.RateQuota"))).kind()).isEqualTo(Kind.THROTTLED);
        assertThat(refusal(() -> client.create(Specs.r2v("x sim:reject=500:InternalError"))).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(refusal(() -> client.create(Specs.r2v("x sim:reject=408:RequestTimeOut"))).kind()).isEqualTo(Kind.TRANSIENT);
        UpstreamException badKey = refusal(() -> client("sk-wrong", Duration.ofSeconds(5)).create(Specs.r2v("x")));
        assertThat(badKey.kind()).isEqualTo(Kind.ACCOUNT_UNUSABLE);
        assertThat(badKey.code()).isEqualTo("InvalidApiKey");
        assertThat(badKey.getMessage()).doesNotContain("sk-wrong");
    }

    @Test
    void aCreateWithoutAnAnswerIsUncertainAndAQueryWithoutOneIsTransient() {
        sim.inject(Fault.drop("create", 1));
        assertThat(refusal(() -> client.create(Specs.r2v("x"))).kind()).isEqualTo(Kind.UNCERTAIN);
        sim.inject(Fault.slow("create", 1, 3_000));
        assertThat(refusal(() -> client("sk-secret-key", Duration.ofSeconds(1)).create(Specs.r2v("x"))).kind())
                .isEqualTo(Kind.UNCERTAIN);
        sim.inject(Fault.malformed("create", 1));
        assertThat(refusal(() -> client.create(Specs.r2v("x"))).kind()).isEqualTo(Kind.UNCERTAIN);
        // The JDK client retries an idempotent GET once on a dropped connection, so drop both tries.
        sim.inject(Fault.drop("query", 2));
        assertThat(refusal(() -> client.query("anything")).kind()).isEqualTo(Kind.TRANSIENT);
        // Creates are never retried by the HTTP client: the one dropped create was the only one sent.
        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(3);
        sim.inject(Fault.malformed("query", 1));
        assertThat(refusal(() -> client.query("anything")).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void noConnectionMeansTheCreateWasNotSent() {
        DashScopeClient nowhere = DashScopeClient.withKey("main", DashScopeClient.Settings.defaults(
                URI.create("http://127.0.0.1:1")), AccountLimits.DASHSCOPE, "sk", Clock.systemUTC());
        assertThat(refusal(() -> nowhere.create(Specs.r2v("x"))).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void cancelsAPendingTaskAndIsRefusedForARunningOne() {
        DashScopeSimulator slowStart = DashScopeSimulator.start(SimulatorSettings.defaults().withTiming(5, 5, 5), 0, now::get);
        try {
            DashScopeClient c = DashScopeClient.withKey("main", DashScopeClient.Settings.defaults(
                    URI.create(slowStart.baseUrl())), AccountLimits.DASHSCOPE, "sk", Clock.systemUTC());
            String pending = c.create(Specs.r2v("x"));
            c.cancel(pending);
            assertThat(c.query(pending).state()).isEqualTo(UpstreamState.CANCELLED);
            String running = c.create(Specs.i2v("y"));
            now.addAndGet(6_000);
            assertThat(refusal(() -> c.cancel(running)).kind()).isEqualTo(Kind.NOT_CANCELLABLE);
        } finally {
            slowStart.close();
        }
    }

    @Test
    void anUnknownTaskIsGone() {
        assertThat(client.query("no-such-task").state()).isEqualTo(UpstreamState.GONE);
    }

    @Test
    void theProbePassesWithAWorkingKeyAndNamesTheAccountWithoutTheKeyOtherwise() {
        client.probe();
        UpstreamException refused = refusal(() -> client("sk-wrong", Duration.ofSeconds(5)).probe());
        assertThat(refused.kind()).isEqualTo(Kind.ACCOUNT_UNUSABLE);
        assertThat(refused.getMessage()).contains("account main").doesNotContain("sk-wrong");
    }

    @Test
    void aRefusedKeyReadLongAgoIsReadAgainOnceAndTheCallRepeated() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> stored = new java.util.concurrent.atomic.AtomicReference<>("sk-old");
        java.util.concurrent.atomic.AtomicLong clockMs = new java.util.concurrent.atomic.AtomicLong(0);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(clockMs.get());
            }
        };
        var key = new io.wanvideo.gateway.config.RefreshingSecret(() -> {
            reads.incrementAndGet();
            return stored.get();
        }, Duration.ofMinutes(5), clock);
        DashScopeClient rotating = new DashScopeClient("main", new DashScopeClient.Settings(URI.create(sim.baseUrl()),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5)), AccountLimits.DASHSCOPE, key, clock);
        // Refused with a key read just now: not read again (a fresh key that fails is simply wrong).
        assertThat(refusal(rotating::probe).kind()).isEqualTo(Kind.ACCOUNT_UNUSABLE);
        assertThat(reads).hasValue(1);
        // The key is rotated in its store; a minute later a refusal makes the client read it again, and it works.
        stored.set("sk-secret-key");
        clockMs.addAndGet(60_000);
        rotating.probe();
        assertThat(reads).hasValue(2);
    }

    @Test
    void createBodyOmitsAbsentFieldsAndSendsDurationAsAnInteger() {
        var body = DashScopeClient.createBody(Specs.i2v(null));
        assertThat(body.at("/input").has("prompt")).isFalse();
        assertThat(body.at("/parameters").has("ratio")).isFalse();
        assertThat(body.at("/parameters/duration").isInt()).isTrue();
        assertThat(body.at("/parameters/seed").asLong()).isEqualTo(42);
    }

    @Test
    void listsEveryTaskOfTheAccountPageByPageWithItsStatus() {
        List<String> running = new ArrayList<>();
        for (int i = 0; i < 103; i++) {
            running.add(client.create(Specs.r2v("long " + i)));
        }
        String succeeded = client.create(Specs.r2v("x sim:run=1"));
        String failed = client.create(Specs.i2v("y sim:run=1 sim:fail=DataInspectionFailed"));
        now.addAndGet(2_000);
        Instant until = Instant.ofEpochMilli(now.get()).plusSeconds(60);
        Instant since = until.minusSeconds(3600);

        TaskListing first = client.listTasks(since, until, 1);
        TaskListing second = client.listTasks(since, until, 2);
        assertThat(first.tasks()).hasSize(DashScopeClient.LIST_PAGE_SIZE);
        assertThat(first.last()).isFalse();
        assertThat(second.tasks()).hasSize(5);
        assertThat(second.last()).isTrue();
        Map<String, ListedTask> listed = new java.util.HashMap<>();
        first.tasks().forEach(t -> listed.put(t.taskId(), t));
        second.tasks().forEach(t -> listed.put(t.taskId(), t));
        assertThat(listed).hasSize(105);
        assertThat(running).allSatisfy(id -> {
            assertThat(listed.get(id).view().state()).isEqualTo(UpstreamState.RUNNING);
            assertThat(listed.get(id).startedMs()).isNotNull();
        });
        // The listing carries no result and no failure code: those two still need their query.
        assertThat(listed.get(succeeded).view().state()).isEqualTo(UpstreamState.SUCCEEDED);
        assertThat(listed.get(succeeded).complete()).isFalse();
        assertThat(listed.get(succeeded).view().videoUrl()).isNull();
        assertThat(listed.get(failed).view().state()).isEqualTo(UpstreamState.FAILED);
        assertThat(listed.get(failed).complete()).isFalse();
        assertThat(client.query(succeeded).videoUrl()).isNotNull();
    }

    @Test
    void theWindowIsSentInUtcPlus8AsTheListingReadsIt() {
        // The documented format, YYYYMMDDhhmmss; 11:30:58 UTC is 19:30:58 in UTC+8.
        assertThat(DashScopeClient.LIST_TIME.format(Instant.parse("2023-04-20T11:30:58Z"))).isEqualTo("20230420193058");
        String before = client.create(Specs.r2v("before the window"));
        now.addAndGet(2 * 3600_000L);
        String inside = client.create(Specs.r2v("inside the window"));
        Instant since = Instant.ofEpochMilli(now.get()).minusSeconds(3600);
        List<String> ids = client.listTasks(since, since.plusSeconds(7200), 1).tasks().stream().map(ListedTask::taskId).toList();
        // Sent in another zone, the window would be hours off and miss the one or take in the other.
        assertThat(ids).containsExactly(inside).doesNotContain(before);
    }

    @Test
    void aListingAnswerOfAnUnknownShapeIsUnrecognisedWhileFailuresAreTransient() {
        Instant until = Instant.ofEpochMilli(now.get()).plusSeconds(60);
        Function<Fault, Kind> listingWith = fault -> {
            sim.inject(fault);
            return refusal(() -> client.listTasks(until.minusSeconds(3600), until, 1)).kind();
        };
        assertThat(listingWith.apply(Fault.unknownShape("list", 1))).isEqualTo(Kind.UNRECOGNISED_ANSWER);
        assertThat(listingWith.apply(Fault.malformed("list", 1))).isEqualTo(Kind.TRANSIENT);
        assertThat(listingWith.apply(Fault.error("list", 1, 500, "InternalError"))).isEqualTo(Kind.TRANSIENT);
        assertThat(listingWith.apply(Fault.error("list", 1, 429, "Throttling.RateQuota"))).isEqualTo(Kind.THROTTLED);
        // A window DashScope refuses (over 24 hours) is a request the client got wrong, not a passing failure.
        assertThat(refusal(() -> client.listTasks(until.minus(Duration.ofHours(25)), until, 1)).kind()).isEqualTo(Kind.PERMANENT);
        assertThat(client.listTasks(until.minusSeconds(3600), until, 1).tasks()).isEmpty();
    }

    /** The refusal the call ends in; AssertJ fails the test when the call returns instead. */
    private static UpstreamException refusal(ThrowingCallable call) {
        return assertThatExceptionOfType(UpstreamException.class).isThrownBy(call).actual();
    }
}
