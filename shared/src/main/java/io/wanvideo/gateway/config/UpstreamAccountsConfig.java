package io.wanvideo.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The upstream accounts, from one JSON document (README, "Several DashScope accounts"):
 * DASHSCOPE_ACCOUNTS (the document itself, for local runs), DASHSCOPE_ACCOUNTS_SECRET_ARN (a Secrets Manager
 * secret holding it) or DASHSCOPE_ACCOUNTS_PARAMETER (an SSM parameter holding it). Without one, the
 * single-key settings make one account named "default": DASHSCOPE_API_KEY_SECRET_ARN, DASHSCOPE_API_KEY_PARAMETER
 * or DASHSCOPE_API_KEY, with DASHSCOPE_BASE_URL, SLOTS_PER_MODEL, CREATES_PER_SECOND and QUERIES_PER_SECOND,
 * which are also the defaults of every account in a document.
 *
 * <pre>
 * {"accounts": [{"name": "main", "base_url": "https://dashscope-intl.aliyuncs.com",
 *                "api_key_secret_arn": "arn:aws:secretsmanager:...", "slots_per_model": 5,
 *                "creates_per_second": 5, "queries_per_second": 20},
 *               {"name": "second", "api_key_parameter": "/wan-gateway/second-key"}]}
 * </pre>
 * The document names where each key is kept, not the key (an inline "api_key" is for local runs).
 */
public final class UpstreamAccountsConfig {
    public static final String DEFAULT_ACCOUNT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Set<String> FIELDS = Set.of("name", "base_url", "api_key_secret_arn", "api_key_parameter",
            "api_key", "slots_per_model", "creates_per_second", "queries_per_second");

    /** One account: where it is, how its key is found, what it allows. */
    public record Account(String name, URI baseUrl, SecretRef key, AccountLimits limits) {}

    private UpstreamAccountsConfig() {}

    public static List<Account> read(Env env, SecretReader secrets) {
        Optional<String> document = env.optional("DASHSCOPE_ACCOUNTS")
                .or(() -> env.optional("DASHSCOPE_ACCOUNTS_SECRET_ARN")
                        .map(arn -> secrets.read(new SecretRef.InSecretsManager(arn, null))))
                .or(() -> env.optional("DASHSCOPE_ACCOUNTS_PARAMETER")
                        .map(name -> secrets.read(new SecretRef.InParameterStore(name))));
        URI defaultBase = URI.create(env.text("DASHSCOPE_BASE_URL", DashScopeClient.SINGAPORE));
        AccountLimits defaults = new AccountLimits(env.integer("SLOTS_PER_MODEL", AccountLimits.DASHSCOPE.slotsPerPool()),
                env.decimal("CREATES_PER_SECOND", AccountLimits.DASHSCOPE.createsPerSecond()),
                env.decimal("QUERIES_PER_SECOND", AccountLimits.DASHSCOPE.queriesPerSecond()));
        if (document.isPresent()) {
            return parse(document.get(), defaultBase, defaults);
        }
        return List.of(new Account(DEFAULT_ACCOUNT, defaultBase, singleKey(env), defaults));
    }

    private static SecretRef singleKey(Env env) {
        return env.optional("DASHSCOPE_API_KEY_SECRET_ARN").<SecretRef>map(arn -> new SecretRef.InSecretsManager(arn, "api_key"))
                .or(() -> env.optional("DASHSCOPE_API_KEY_PARAMETER").map(SecretRef.InParameterStore::new))
                .or(() -> env.optional("DASHSCOPE_API_KEY").map(SecretRef.Plain::new))
                .orElseThrow(() -> new IllegalStateException("no DashScope key: set DASHSCOPE_API_KEY_SECRET_ARN, "
                        + "DASHSCOPE_API_KEY_PARAMETER or DASHSCOPE_API_KEY, or describe accounts in DASHSCOPE_ACCOUNTS"));
    }

    static List<Account> parse(String document, URI defaultBase, AccountLimits defaults) {
        JsonNode root;
        try {
            root = Json.tree(document.trim());
        } catch (IOException e) {
            throw new IllegalStateException("the DashScope accounts document is not valid JSON");
        }
        JsonNode list = root != null && root.isObject() ? root.get("accounts") : root;
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalStateException("the DashScope accounts document needs a non-empty \"accounts\" array");
        }
        List<Account> accounts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = "accounts[" + i + "]";
            if (!a.isObject()) {
                throw new IllegalStateException(where + " must be an object");
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!FIELDS.contains(field)) {
                    throw new IllegalStateException(where + " has an unknown field \"" + field + "\"");
                }
            }
            String name = a.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException(where + ".name must be 1-32 lower-case letters, digits or dashes");
            }
            if (!names.add(name)) {
                throw new IllegalStateException("two accounts are named \"" + name + "\"");
            }
            URI base = a.hasNonNull("base_url") ? URI.create(a.get("base_url").asText()) : defaultBase;
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalStateException(where + ".base_url must be an absolute URL");
            }
            List<SecretRef> keys = new ArrayList<>();
            if (a.hasNonNull("api_key_secret_arn")) {
                keys.add(new SecretRef.InSecretsManager(a.get("api_key_secret_arn").asText(), "api_key"));
            }
            if (a.hasNonNull("api_key_parameter")) {
                keys.add(new SecretRef.InParameterStore(a.get("api_key_parameter").asText()));
            }
            if (a.hasNonNull("api_key")) {
                keys.add(new SecretRef.Plain(a.get("api_key").asText()));
            }
            if (keys.size() != 1) {
                throw new IllegalStateException(where + " needs exactly one of api_key_secret_arn, api_key_parameter, api_key");
            }
            AccountLimits limits;
            try {
                limits = new AccountLimits(a.path("slots_per_model").asInt(defaults.slotsPerPool()),
                        a.path("creates_per_second").asDouble(defaults.createsPerSecond()),
                        a.path("queries_per_second").asDouble(defaults.queriesPerSecond()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": " + e.getMessage());
            }
            accounts.add(new Account(name, base, keys.get(0), limits));
        }
        return accounts;
    }
}
