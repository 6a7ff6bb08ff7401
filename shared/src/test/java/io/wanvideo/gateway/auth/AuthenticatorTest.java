package io.wanvideo.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.ApiKeyStore.ApiKeyRecord;
import io.wanvideo.gateway.testing.SettableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * `Authorization: Bearer <key>` to a tenant and its limits, and the short per-instance cache of known keys: how
 * long a key is served from it, and that a revoked key stops once its entry expires. The key table is an
 * in-memory store that counts lookups (the DynamoDB adapter is tested against DynamoDB Local with the handlers);
 * time is a clock the test moves.
 */
class AuthenticatorTest {
    private static final String KEY = "sk-wan-test";
    private static final TenantPolicy DEFAULTS = new TenantPolicy(1000, 120, 1.0, "https://hooks.example/default");
    private static final Duration CACHE = Duration.ofSeconds(60);

    /** Records by key hash; counts how often the table is read. */
    static final class CountingKeys implements ApiKeyStore {
        final Map<String, ApiKeyRecord> records = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<ApiKeyRecord> find(String keyHashHex) {
            reads.incrementAndGet();
            return Optional.ofNullable(records.get(keyHashHex));
        }

        @Override
        public void put(String keyHashHex, ApiKeyRecord record) {
            records.put(keyHashHex, record);
        }

        void revoke(String key) {
            records.remove(ApiKeys.hash(key));
        }
    }

    private final CountingKeys keys = new CountingKeys();
    private final SettableClock clock = new SettableClock(1_795_000_000_000L);
    private final Authenticator authenticator = new Authenticator(keys, DEFAULTS, clock, CACHE);

    AuthenticatorTest() {
        keys.put(ApiKeys.hash(KEY), ApiKeyRecord.of("acme"));
    }

    private static ApiRequest withAuthorization(String value) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(value == null ? Map.of() : Map.of("Authorization", value));
        return new ApiRequest(event);
    }

    private void refused(String authorization, String message) {
        assertThatThrownBy(() -> authenticator.caller(withAuthorization(authorization)))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("invalid_api_key");
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void aKnownKeyIsItsTenantWithTheDefaultLimits() {
        assertThat(authenticator.caller(withAuthorization("Bearer " + KEY))).isEqualTo(new Caller("acme", DEFAULTS));
    }

    @Test
    void theSchemeIsReadInAnyCaseAndSpacesAroundTheKeyDoNotCount() {
        for (String header : new String[] {"bearer " + KEY, "BEARER " + KEY, "  Bearer \t " + KEY + "  "}) {
            assertThat(authenticator.caller(withAuthorization(header)).tenant()).as(header).isEqualTo("acme");
        }
    }

    @Test
    void noKeyIsAskedFor() {
        refused(null, "Missing API key: send `Authorization: Bearer <your API key>`.");
        refused("", "Missing API key: send `Authorization: Bearer <your API key>`.");
        refused("   ", "Missing API key: send `Authorization: Bearer <your API key>`.");
        assertThat(keys.reads).hasValue(0);
    }

    @Test
    void aMalformedHeaderIsRefusedWithoutALookup() {
        for (String header : new String[] {"Bearer", "Bearer    ", KEY, "Basic " + KEY, "Token " + KEY, "Bearer: " + KEY,
                // An em space: not split off by the regex \s, yet blank, so no key was given.
                "Bearer \u2003"}) {
            refused(header, "Malformed Authorization header: expected `Bearer <your API key>`.");
        }
        assertThat(keys.reads).hasValue(0);
    }

    @Test
    void anUnknownKeyIsRefused() {
        refused("Bearer sk-wan-unknown", "Incorrect API key provided.");
        // The key is looked up by its hash, never as it was sent.
        assertThat(keys.reads).hasValue(1);
    }

    @Test
    void aKnownKeyIsServedFromTheCacheUntilItsEntryExpires() {
        authenticator.caller(withAuthorization("Bearer " + KEY));
        clock.advance(CACHE.minusMillis(1));
        assertThat(authenticator.caller(withAuthorization("Bearer " + KEY)).tenant()).isEqualTo("acme");
        assertThat(keys.reads).as("served from the cache").hasValue(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(authenticator.caller(withAuthorization("Bearer " + KEY)).tenant()).isEqualTo("acme");
        assertThat(keys.reads).as("the entry expired: read again").hasValue(2);
        // Read again, it is cached anew from that moment.
        clock.advance(CACHE.minusMillis(1));
        authenticator.caller(withAuthorization("Bearer " + KEY));
        assertThat(keys.reads).hasValue(2);
    }

    @Test
    void aRevokedKeyStopsWorkingOnceItsCacheEntryExpires() {
        authenticator.caller(withAuthorization("Bearer " + KEY));
        keys.revoke(KEY);
        clock.advance(CACHE.minusMillis(1));
        assertThat(authenticator.caller(withAuthorization("Bearer " + KEY)).tenant()).as("still cached").isEqualTo("acme");
        clock.advance(Duration.ofMillis(1));
        refused("Bearer " + KEY, "Incorrect API key provided.");
        // Nor does it come back if the wall clock steps back into the old entry's lifetime.
        clock.advance(Duration.ofSeconds(-30));
        refused("Bearer " + KEY, "Incorrect API key provided.");
    }

    @Test
    void withoutACacheEveryRequestReadsTheTable() {
        Authenticator uncached = new Authenticator(keys, DEFAULTS, clock, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            uncached.caller(withAuthorization("Bearer " + KEY));
        }
        assertThat(keys.reads).hasValue(3);
    }

    @Test
    void aKeysOwnLimitsReplaceTheDefaultsOneByOne() {
        keys.put(ApiKeys.hash("sk-all"), new ApiKeyRecord("big", 5, 6, 2.5, "https://hooks.example/big"));
        keys.put(ApiKeys.hash("sk-waiting"), new ApiKeyRecord("w", 7, null, null, null));
        keys.put(ApiKeys.hash("sk-rate"), new ApiKeyRecord("r", null, 8, null, null));
        keys.put(ApiKeys.hash("sk-weight"), new ApiKeyRecord("g", null, null, 0.5, null));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-all")).policy())
                .isEqualTo(new TenantPolicy(5, 6, 2.5, "https://hooks.example/big"));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-waiting")).policy())
                .isEqualTo(new TenantPolicy(7, 120, 1.0, "https://hooks.example/default"));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-rate")).policy())
                .isEqualTo(new TenantPolicy(1000, 8, 1.0, "https://hooks.example/default"));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-weight")).policy())
                .isEqualTo(new TenantPolicy(1000, 120, 0.5, "https://hooks.example/default"));
    }

    @Test
    void nonsenseLimitsFallBackToTheDefaultsButKeepTheKeysWebhook() {
        keys.put(ApiKeys.hash("sk-zero"), new ApiKeyRecord("z", 0, 6, 1.0, "https://hooks.example/z"));
        keys.put(ApiKeys.hash("sk-heavy"), new ApiKeyRecord("h", 5, 6, 1000.0, null));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-zero")).policy())
                .isEqualTo(new TenantPolicy(1000, 120, 1.0, "https://hooks.example/z"));
        assertThat(authenticator.caller(withAuthorization("Bearer sk-heavy")).policy()).isEqualTo(DEFAULTS);
    }
}
